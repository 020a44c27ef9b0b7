"""Guessing a search query's language: clear cases only, short and shared words left alone."""

import pytest

from portal.kb.query_language import QueryLanguageDetector

LOCALES = ("en", "pl", "cs", "ru")


@pytest.mark.parametrize(
    ("query", "language"),
    [
        ("pralki", "pl"),
        ("jak zresetować hasło", "pl"),
        ("pračka nejde zapnout", "cs"),
        ("стиральная машина не отжимает", "ru"),
        ("the washing machine does not spin", "en"),
    ],
)
def test_clear_queries_are_recognised(query, language):
    assert QueryLanguageDetector(LOCALES).detect(query) == language


@pytest.mark.parametrize("query", ["wifi", "tv", "щи", "ąę", "123 456", "internet", "ok"])
def test_short_or_shared_words_are_left_to_the_page_language(query):
    assert QueryLanguageDetector(LOCALES).detect(query) is None


def test_only_the_configured_languages_are_named():
    assert QueryLanguageDetector(("en", "pl")).detect("стиральная машина не отжимает") is None

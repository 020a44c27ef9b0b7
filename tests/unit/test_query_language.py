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
        ("How do I reset my password", "en"),  # lingua: en 0.70, a clear lead over cs 0.17
    ],
)
def test_clear_queries_are_recognised(query, language):
    assert QueryLanguageDetector(LOCALES).detect(query) == language


@pytest.mark.parametrize("query", ["wifi", "tv", "щи", "ąę", "123 456", "internet", "ok"])
def test_short_or_shared_words_are_left_to_the_page_language(query):
    assert QueryLanguageDetector(LOCALES).detect(query) is None


def test_only_the_configured_languages_are_named():
    assert QueryLanguageDetector(("en", "pl")).detect("стиральная машина не отжимает") is None


@pytest.mark.parametrize(
    "query",
    ["hotel taxi metro bus", "Samsung Bosch Whirlpool Electrolux", "internet router modem tablet"],
)
def test_longer_queries_of_shared_words_without_a_clear_lead_are_left_alone(query):
    assert QueryLanguageDetector(LOCALES).detect(query) is None


def test_a_clear_lead_decides_only_queries_of_several_words():
    detector = QueryLanguageDetector(LOCALES)
    assert detector.detect("wifi router") is None  # en 0.66 ahead of cs 0.21, but two words only

"""The shipped word-sense profiles are what the sources build, and a stale file is never used."""

import pytest

from linker import sensecache
from linker.senses import (
    build_domain_words,
    build_sense_corpus,
    domain_words,
    sense_corpus,
    sense_rows,
    shipped_profiles,
)


@pytest.mark.parametrize("lang", ["en", "pl", "cs", "ru"])
def test_the_shipped_profiles_are_current(lang):
    built = sensecache.shipped(lang)
    assert built is not None, "run scripts/build_sense_profiles.py"
    assert built == (build_sense_corpus(sense_rows(lang), lang), build_domain_words(lang))


def test_a_stale_file_is_ignored(monkeypatch):
    assert sensecache.shipped("en") is not None
    monkeypatch.setattr("linker.sensecache.versions", lambda lang: "simplemma=0.0")
    assert sensecache.shipped("en") is None
    for cached in (shipped_profiles, sense_corpus, domain_words):
        cached.cache_clear()
    try:
        assert "mouse" in sense_corpus("en") and domain_words("en")["medicine"]
    finally:
        for cached in (shipped_profiles, sense_corpus, domain_words):
            cached.cache_clear()

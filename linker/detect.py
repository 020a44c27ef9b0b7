"""Language identification restricted to the linker's languages (lingua)."""

from __future__ import annotations

from functools import cache

from linker.lemmas import SUPPORTED_LANGUAGES

SAMPLE_CHARS = 3000


@cache
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    languages = [Language.ENGLISH, Language.POLISH, Language.CZECH, Language.RUSSIAN]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the most likely of en/pl/cs/ru, or None for text without letters."""
    sample = text[:SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return None
    language = _detector().detect_language_of(sample)
    if language is None:
        return None
    code = language.iso_code_639_1.name.lower()
    return code if code in SUPPORTED_LANGUAGES else None

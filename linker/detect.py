"""Language identification (lingua), loaded lazily, in low-accuracy mode.

The detector knows the linker's languages and their close neighbours (Ukrainian, Belarusian,
Bulgarian, Slovak, German), so that text in a neighbour is recognised as such instead of being
taken for Russian or Czech, and is not linked. Low-accuracy mode (trigram models only) loads
in a fraction of the time and memory of the full models and is reliable on paragraph-sized
samples; models are loaded on the first untagged or suspicious document only.

A tagged document is checked cheaply by its letters (script, diacritics typical of another
language); only when they look wrong does the detector confirm a mismatch.
"""

from __future__ import annotations

import re
from functools import cache

from linker.lemmas import SUPPORTED_LANGUAGES

SAMPLE_CHARS = 3000
MIN_LETTERS_TO_DOUBT_A_TAG = 40  # shorter texts keep their tag: too little to judge
CONFIDENCE = 0.6
NEIGHBOURS = ("uk", "be", "bg", "sk", "de")
LANGUAGE_NAMES = {
    "en": "English",
    "pl": "Polish",
    "cs": "Czech",
    "ru": "Russian",
    "uk": "Ukrainian",
    "be": "Belarusian",
    "bg": "Bulgarian",
    "sk": "Slovak",
    "de": "German",
}

# Letters are counted in the UTF-8 bytes of the sample with C-level byte counts (a regex
# findall made a one-letter string per letter: a fifth of the scan time of a tagged document).
_NOT_ASCII_LETTERS = bytes(code for code in range(256) if not (code < 128 and chr(code).isalpha()))
_LATIN_LEADS = (b"\xc3", b"\xc4", b"\xc5", b"\xc6", b"\xc7", b"\xc8")  # U+00C0-U+023F
_LATIN_LAST = re.compile(rb"\xc9[\x80-\x8f]")  # U+0240-U+024F
_CYRILLIC_LEADS = (b"\xd0", b"\xd1", b"\xd2", b"\xd3")  # U+0400-U+04FF
# letters that a language never uses but a neighbour does
_FOREIGN_LETTERS = {
    "en": re.compile(r"[ąęłńśźżěřůčšžýáíéóúľĺŕôäöüß]", re.I),
    "pl": re.compile(r"[ěřůčšžýáíéúľĺŕôäöüß]", re.I),
    "cs": re.compile(r"[ąęłńśźżľĺŕôäöß]", re.I),
    "ru": re.compile(r"[іїєґўѣ]", re.I),
}
FOREIGN_SHARE = 0.005  # of the letters


@cache
def _detector():
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    codes = (*SUPPORTED_LANGUAGES, *NEIGHBOURS)
    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in codes]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def _letters(sample: str) -> tuple[int, int]:
    """How many Latin ([a-zA-Z], U+00C0-U+024F) and Cyrillic (U+0400-U+04FF) letters `sample` holds."""
    data = sample.encode("utf-8", "surrogatepass")
    latin = len(data.translate(None, _NOT_ASCII_LETTERS))
    if len(data) == len(sample):  # ASCII only
        return latin, 0
    latin += sum(map(data.count, _LATIN_LEADS)) + len(_LATIN_LAST.findall(data))
    return latin, sum(map(data.count, _CYRILLIC_LEADS))


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the most likely language (the linker's own or a neighbour), or None
    for text without letters."""
    sample = text[:SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return None
    language = _detector().detect_language_of(sample)
    return language.iso_code_639_1.name.lower() if language is not None else None


def _doubtful(sample: str, lang: str) -> bool:
    """True if the letters of a tagged text do not fit its language (cheap, no model)."""
    latin, cyrillic = _letters(sample)
    if latin + cyrillic < MIN_LETTERS_TO_DOUBT_A_TAG:
        return False
    if (lang == "ru") != (cyrillic > latin):
        return True
    foreign = _FOREIGN_LETTERS.get(lang)
    if foreign is None or sample.isascii():  # every foreign letter is outside ASCII
        return False
    return len(foreign.findall(sample)) > FOREIGN_SHARE * (latin + cyrillic)


def language_mismatch(text: str, lang: str) -> str | None:
    """The language the text is really written in, when it is clearly not `lang`; else None."""
    sample = text[:SAMPLE_CHARS]
    if not _doubtful(sample, lang):
        return None
    values = _detector().compute_language_confidence_values(sample)
    if not values:
        return None
    best = values[0]
    code = best.language.iso_code_639_1.name.lower()
    return code if code != lang and best.value >= CONFIDENCE else None


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)

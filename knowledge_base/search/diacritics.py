"""Restoring the diacritics of a Polish or Czech word typed without them.

Folding alone finds "haslo" for "hasło", but an inflected form typed without diacritics
("siecia" for "siecią") is unknown to the lemmatizer, so its lemma never matches. The word's
spellings with up to MAX_CHANGES letters given a diacritic are lemmatized instead; the caller
keeps the ones its index knows.
"""

from __future__ import annotations

from itertools import combinations, product

from knowledge_base.search.analysis import FOLDED, normalise

_ACCENTED = {
    "pl": {"a": "ą", "c": "ć", "e": "ę", "l": "ł", "n": "ń", "o": "ó", "s": "ś", "z": "żź"},
    "cs": {
        "a": "á",
        "c": "č",
        "d": "ď",
        "e": "éě",
        "i": "í",
        "n": "ň",
        "o": "ó",
        "r": "ř",
        "s": "š",
        "t": "ť",
        "u": "úů",
        "y": "ý",
        "z": "ž",
    },
}
MAX_CHANGES = 3
MAX_VARIANTS = 400


def spellings(word: str, lang: str) -> list[str]:
    """Spellings of an ASCII `word` with 1..MAX_CHANGES letters accented, fewest changes first."""
    accents = _ACCENTED.get(lang, {})
    positions = [i for i, c in enumerate(word) if c in accents]
    found: list[str] = []
    for changes in range(1, MAX_CHANGES + 1):
        for chosen in combinations(positions, changes):
            for letters in product(*(accents[word[i]] for i in chosen)):
                spelled = list(word)
                for i, letter in zip(chosen, letters, strict=True):
                    spelled[i] = letter
                found.append("".join(spelled))
                if len(found) >= MAX_VARIANTS:
                    return found
    return found


def restorations(word: str, lang: str) -> set[str]:
    """Index terms of the accented spellings of `word` (empty unless Polish/Czech and ASCII)."""
    if lang not in FOLDED or not word.isascii() or not word.isalpha():
        return set()
    plain = normalise(word, lang)
    return {term for spelled in spellings(word, lang) if (term := normalise(spelled, lang)) != plain}

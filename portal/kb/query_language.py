"""Which of the portal's languages a search query is written in, when that is clear enough to act on.

A query is a few words, so the rules are stricter than for whole documents: letters only found in
one language decide at once (Cyrillic is Russian here; ą ę ł ń ś ź ż Polish; ě ř ů Czech); other
queries ask lingua, restricted to the portal's languages, and count only when its confidence is at
least MIN_CONFIDENCE (SHORT_CONFIDENCE for a single short word, where guesses are weakest), or, for
a query of LONG_QUERY_WORDS or more words, when the best language leads the second by LONG_MARGIN
(lingua spreads its confidence over the languages a few everyday words share: "How do I reset my
password" is English at 0.70 against 0.17 for the next). Too
few letters, or a word that is at home in several languages ("internet"), give None: the page's
own language is searched as usual.

lingua runs in its high-accuracy mode: the low-accuracy (trigram) models, which the linker uses
for whole articles, are right on "pralki" only 57 % of the time. The price is paid once per
process, on the first query: about 3 s and 160 MB for the four languages' models; each query
then takes well under a millisecond.
"""

from __future__ import annotations

import re
from functools import cached_property

#: Fewer letters than this: no guess at all.
MIN_LETTERS = 4
MIN_CONFIDENCE = 0.7
#: A one-word query of at most SHORT_WORD letters needs this much confidence.
SHORT_WORD = 5
SHORT_CONFIDENCE = 0.9
SAMPLE_CHARS = 400
#: A query of this many words or more may also be decided by a clear lead over the second guess...
LONG_QUERY_WORDS = 4
#: ...of at least this much: shared names and loanwords ("hotel taxi metro bus") lead by less.
LONG_MARGIN = 0.35

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
# letters written in only one of the portal's languages
_ONLY_IN = {
    "ru": re.compile(r"[\u0400-\u04ff]"),
    "pl": re.compile(r"[ąęłńśźż]", re.I),
    "cs": re.compile(r"[ěřů]", re.I),
}


class QueryLanguageDetector:
    """Guesses the language of search queries among `locales`; built once per app, models load lazily."""

    def __init__(self, locales: tuple[str, ...]) -> None:
        self.locales = tuple(locales)

    @cached_property
    def _lingua(self):
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        codes = [getattr(IsoCode639_1, code.upper()) for code in self.locales]
        languages = [Language.from_iso_code_639_1(code) for code in codes]
        return LanguageDetectorBuilder.from_languages(*languages).build()

    def detect(self, query: str) -> str | None:
        """The query's language (one of `locales`) if it is clear, else None."""
        sample = query[:SAMPLE_CHARS]
        letters = _LETTER.findall(sample)
        if len(letters) < MIN_LETTERS:
            return None
        decided = {code for code, only in _ONLY_IN.items() if code in self.locales and only.search(sample)}
        if len(decided) == 1:
            return decided.pop()
        if decided:
            return None  # mixed scripts or letters of two languages: no clear answer
        confidences = self._lingua.compute_language_confidence_values(sample)
        if not confidences:
            return None
        best = confidences[0]
        words = [word for word in sample.split() if _LETTER.search(word)]
        if not _confident(best.value, [c.value for c in confidences[1:2]], words, len(letters)):
            return None
        return best.language.iso_code_639_1.name.lower()


def _confident(best: float, runner_up: list[float], words: list[str], letters: int) -> bool:
    """Whether lingua's best guess is sure enough for a query of these words and letters."""
    if len(words) == 1 and letters <= SHORT_WORD:
        return best >= SHORT_CONFIDENCE
    if best >= MIN_CONFIDENCE:
        return True
    second = runner_up[0] if runner_up else 0.0
    return len(words) >= LONG_QUERY_WORDS and best - second >= LONG_MARGIN

"""What an offer phrase will match: its lemmas, the forms found in text, and warnings.

    from linker import phrase_report
    report = phrase_report("pl", "lina")   # report.forms, report.warnings

Marketers see this when they save an offer: a phrase whose own lemma is another word
(Czech "tablet" read as "tableta", a pill) or that is also a form of another word
(Polish "lina", rope, is also a form of "lin", a fish) links where it should not.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from linker.lemmas import SUPPORTED_LANGUAGES, OfferWords, backend_for
from linker.termindex import MAX_FORMS_PER_PHRASE

SHOWN_FORMS = 60


@dataclass(frozen=True)
class PhraseWarning:
    """One problem with a word of a phrase.

    kind: "lemma_differs" (the word is read as `lemma`, so forms of `lemma` match too),
    "ambiguous" (the word is also a form of `others`), "unknown" (not in the dictionary:
    only the word itself and guessed endings match)."""

    kind: str
    word: str
    lemma: str
    others: tuple[str, ...] = ()

    def message(self) -> str:
        """The warning in English (the portal translates by `kind`)."""
        if self.kind == "lemma_differs":
            return f"'{self.word}' is read as '{self.lemma}': every form of '{self.lemma}' will match"
        if self.kind == "ambiguous":
            return f"'{self.word}' is also a form of {', '.join(self.others)}"
        return f"'{self.word}' is not in the dictionary: only it and guessed endings will match"


@dataclass(frozen=True)
class PhraseReport:
    lang: str
    phrase: str
    lemmas: tuple[str, ...]
    forms: tuple[str, ...]  # the first SHOWN_FORMS of the surface forms that will match
    form_count: int
    warnings: tuple[PhraseWarning, ...]


def phrase_report(lang: str, phrase: str) -> PhraseReport:
    """The forms `phrase` will match in `lang` and warnings about its words (the words are
    adopted as a Linker would adopt them)."""
    if lang not in SUPPORTED_LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    backend = OfferWords(backend_for(lang))  # a fresh overlay: the report changes no Linker
    backend.adopt(phrase)
    words = phrase.lower().replace("’", "'").split()
    lemmas = tuple(backend.lemma(word) for word in words)
    forms = backend.forms(set(lemmas)) if lemmas else {}
    options = [sorted(forms.get(lemma, set()) | {word}) for word, lemma in zip(words, lemmas, strict=True)]
    combos = [" ".join(c) for c in itertools.islice(itertools.product(*options), MAX_FORMS_PER_PHRASE)]
    warnings = []
    for word, lemma in zip(words, lemmas, strict=True):
        if not any(ch.isalpha() for ch in word):
            continue
        if lemma != word:
            warnings.append(PhraseWarning("lemma_differs", word, lemma))
        others = tuple(sorted(backend.readings(word) - {lemma, word}))
        if others:
            warnings.append(PhraseWarning("ambiguous", word, lemma, others))
        if not backend.is_known(word) and lemma == word:
            warnings.append(PhraseWarning("unknown", word, lemma))
    return PhraseReport(lang, phrase, lemmas, tuple(combos[:SHOWN_FORMS]), len(combos), tuple(warnings))

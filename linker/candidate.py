"""A candidate link and the NLP view of its sentence."""

from __future__ import annotations

from dataclasses import dataclass

from linker.offers import Offer
from linker.phrases import LemmaPhrases


@dataclass(slots=True)  # not frozen: a frozen dataclass costs five times as much to create
class Sentence:
    """The sentence around a candidate, as spaCy tokenized and lemmatized it."""

    text: str
    start: int  # global offset of the sentence
    tokens: list[str]
    lemmas: list[str]
    offer_first: int  # token index (within the sentence) of the match
    offer_last: int  # one past the last token of the match

    def cue_words(self, phrases: LemmaPhrases | None) -> list[str]:
        """The sentence's words (as written) that match the lemma phrases."""
        if phrases is None:
            return []
        return [" ".join(self.tokens[start:end]) for start, end, _label in phrases.find(self.lemmas)]


@dataclass(slots=True)
class Candidate:
    """One occurrence of an offer phrase in the document."""

    offer: Offer
    start: int
    end: int
    text: str
    paragraph: int
    sentence: Sentence | None = None

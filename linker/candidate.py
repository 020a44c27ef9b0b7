"""A candidate link and the NLP view of its sentence."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from spacy.tokens import Span

from linker.offers import Offer


@dataclass
class Sentence:
    """The sentence around a candidate, as spaCy saw it."""

    span: Span
    start: int  # global offset of the sentence
    offer_first: int  # token index (within the sentence) of the match
    offer_last: int  # one past the last token of the match

    @cached_property
    def text(self) -> str:
        return self.span.text

    @cached_property
    def lemmas(self) -> list[str]:
        return [t.lemma_ for t in self.span]

    @cached_property
    def tokens(self) -> list[str]:
        return [t.text for t in self.span]


@dataclass
class Candidate:
    """One occurrence of an offer phrase in the document."""

    offer: Offer
    start: int
    end: int
    text: str
    paragraph: int
    sentence: Sentence | None = None
    reasons: list[str] = field(default_factory=list)

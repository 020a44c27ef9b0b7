"""The per-scan state handed to every check, and the spaCy view of windows of the document."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import add
from typing import Any

from spacy.attrs import IDX, LEMMA, LENGTH, SENT_START

from linker.candidate import Candidate, Sentence
from linker.domainsense import DomainModel
from linker.evidence import Evidence
from linker.model import LanguageModel
from linker.normalize import OffsetMap
from linker.offers import Offer, Policy
from linker.phrases import LemmaPhrases
from linker.senses import SenseModel, lemmas_of
from linker.text import Document, sentence_window


@dataclass
class ScanContext:
    """Per-scan state handed to the checks."""

    lang: str
    doc: Document
    model: LanguageModel
    evidence: Evidence
    policy: Policy
    original: str = ""  # the text as given: results index it
    offsets: OffsetMap | None = None  # normalised -> original offsets
    deadline: float | None = None  # time.monotonic() value after which the scan stops
    title: str = ""  # the title and headings: context for the whole document
    _views: list[WindowView] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)  # linked, in normalised offsets
    linked: set[str] = field(default_factory=set)
    reported: set[str] = field(default_factory=set)
    paragraph_verdicts: dict[int, list[str]] = field(default_factory=dict)  # paragraph-scope checks
    _per_sentence: dict[tuple[Callable, int, int], Any] = field(default_factory=dict)
    _title_lemmas: list[str] | None = None

    def per_sentence(self, compute: Callable[[Sentence, str], Any], sentence: Sentence) -> Any:
        """`compute(sentence, lang)` once per sentence and scan (candidates often share a sentence);
        for the parts of a sentence check that do not depend on where the product stands."""
        key = (compute, sentence.start, len(sentence.text))
        value = self._per_sentence.get(key)
        if value is None:
            value = self._per_sentence[key] = compute(sentence, self.lang)
        return value

    def exclude_phrases(self, offer: Offer) -> LemmaPhrases | None:
        """The offer's exclude_context in this language, as lemma phrases."""
        return self.model.exclude.get(offer.id)

    def has_required_context(self, candidate: Candidate) -> bool:
        """A word of the offer's require_context stands in the paragraph, the title or a heading."""
        offer_id = candidate.offer.id
        evidence = self.evidence
        return offer_id in evidence.document_context or offer_id in evidence.context.get(
            candidate.paragraph, ()
        )

    def sense_model(self, candidate: Candidate) -> SenseModel | None:
        """The sense model of the matched word, when the offer's phrase is an ambiguous word."""
        models = self.model.sense_models(candidate.offer)
        if not models:
            return None
        lemmas = lemmas_of(candidate.text, self.model.backend)
        return models.get(lemmas[0]) if len(lemmas) == 1 else None

    def domain_model(self, candidate: Candidate) -> DomainModel | None:
        """The domain model of the matched word, when the offer's phrase is a word without a
        contrast set and the offer's words name its domain."""
        models = self.model.domain_models(candidate.offer)
        if not models:
            return None
        lemmas = lemmas_of(candidate.text, self.model.backend)
        return models.get(lemmas[0]) if len(lemmas) == 1 else None

    def sense_context(self, candidate: Candidate) -> list[str]:
        """Lemmas around the candidate in its paragraph, and of the title and headings."""
        if self._title_lemmas is None:
            self._title_lemmas = lemmas_of(self.title[:SENSE_TITLE_CHARS], self.model.backend)
        para_start, para_end = self.doc.paragraphs[candidate.paragraph]
        lo = max(para_start, candidate.start - SENSE_WINDOW)
        hi = min(para_end, candidate.end + SENSE_WINDOW)
        return lemmas_of(self.doc.text[lo:hi], self.model.backend) + self._title_lemmas

    def analyse(self, candidate: Candidate) -> bool:
        """Run spaCy around the candidate; False if its lemmas do not match the offer."""
        view = self._view_around(candidate.start, candidate.end, candidate.paragraph)
        match = view.best_match(self.model.match_ids[candidate.offer.id], candidate.start, candidate.end)
        if match is None:
            return False
        first, last = match
        candidate.start, candidate.end = view.char_start(first), view.char_end(last - 1)
        candidate.text = self.doc.text[candidate.start : candidate.end]
        candidate.sentence = view.sentence(first, last)
        return True

    def _view_around(self, start: int, end: int, paragraph: int) -> WindowView:
        """The analysed window holding [start, end): an earlier one (candidates cluster in
        sentences), else the sentence around it, analysed now."""
        for view in self._views[-VIEWS_KEPT:]:  # candidates come in document order
            if view.offset <= start and end <= view.offset + len(view.text):
                return view
        para = self.doc.paragraphs[paragraph]
        lo, hi = sentence_window(self.doc.text, start, end, para, self.policy.nlp_window)
        view = WindowView(self.model, self.doc.text[lo:hi], lo)
        self._views.append(view)
        del self._views[:-VIEWS_KEPT]  # earlier windows are behind the scan: free them
        return view


VIEWS_KEPT = 4
SENSE_WINDOW = 400  # characters either side of a candidate that the sense model reads
SENSE_TITLE_CHARS = 2000


def original_span(ctx: ScanContext, start: int, end: int) -> tuple[int, int, str]:
    """Offsets and text in the original input of the normalised range [start, end)."""
    if ctx.offsets is None or ctx.offsets.identity:
        return start, end, ctx.original[start:end]
    first, last = ctx.offsets.start(start), ctx.offsets.end(end)
    return first, last, ctx.original[first:last]


class WindowView:
    """One spaCy analysis of a window of text: tokens, lemmas, sentences and phrase matches."""

    def __init__(self, model: LanguageModel, text: str, offset: int) -> None:
        self.text, self.offset = text, offset
        doc = model.analyse(text)
        self.strings, self.lemma_text = model.nlp.vocab.strings, model.lemma_text
        # columns of arrays, no Token objects: a Token per word would cost more than the analysis
        columns = doc.to_array([IDX, LENGTH, LEMMA, SENT_START])
        self.starts, lengths, self.lemma_hashes, sentence_starts = columns.T.tolist()
        self.ends = list(map(add, self.starts, lengths))
        self.sentence_starts = [i for i, value in enumerate(sentence_starts) if value == 1] or [0]
        self.matches = model.matcher(doc)
        self._sentences: dict[int, tuple[int, int, list[str], list[str]]] = {}

    def char_start(self, token: int) -> int:
        return self.offset + self.starts[token]

    def char_end(self, token: int) -> int:
        return self.offset + self.ends[token]

    def best_match(self, offer_hash: int, start: int, end: int) -> tuple[int, int] | None:
        """The longest match of the offer overlapping [start, end), as token indices."""
        best = None
        for match_id, first, last in self.matches:
            if match_id != offer_hash or (best is not None and last - first <= best[1] - best[0]):
                continue
            if self.char_start(first) < end and start < self.char_end(last - 1):
                best = (first, last)
        return best

    def sentence(self, first: int, last: int) -> Sentence:
        """The sentence holding tokens [first, last)."""
        position = bisect.bisect_right(self.sentence_starts, first) - 1
        s_first, s_last, words, lemmas = self._sentence_tokens(position)
        text = self.text[self.starts[s_first] : self.ends[s_last - 1]]
        return Sentence(text, self.char_start(s_first), words, lemmas, first - s_first, last - s_first)

    def _sentence_tokens(self, position: int) -> tuple[int, int, list[str], list[str]]:
        """Token range, words and lemmas of the `position`-th sentence, built once per window."""
        cached = self._sentences.get(position)
        if cached is None:
            s_first = self.sentence_starts[position]
            following = self.sentence_starts[position + 1 : position + 2]
            s_last = following[0] if following else len(self.starts)
            words = [self.text[self.starts[i] : self.ends[i]] for i in range(s_first, s_last)]
            text_of, strings = self.lemma_text, self.strings
            lemmas = [text_of.get(h) or strings[h] for h in self.lemma_hashes[s_first:s_last]]
            cached = self._sentences[position] = (s_first, s_last, words, lemmas)
        return cached

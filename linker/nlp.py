"""spaCy pipelines: blank tokenizer + sentencizer + our lemmatizer component, per language."""

from __future__ import annotations

from functools import cache
from itertools import pairwise

import numpy
import spacy
from spacy.attrs import LEMMA, LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from linker.lemmas import SUPPORTED_LANGUAGES, LemmaBackend, backend_for


class LemmaComponent:
    """Sets `token.lemma_` (lower-case) from a lemma backend: the language's shared one in the
    shared pipeline, a Linker's own `OfferWords` overlay in that Linker's models."""

    MAX_CACHED = 200_000

    def __init__(self, lang: str, backend: LemmaBackend | None = None) -> None:
        self.backend = backend or backend_for(lang)
        self._lemma_of: dict[int, int] = {}  # LOWER hash -> LEMMA hash; a word type is looked up once
        # LEMMA hash -> text: StringStore decodes UTF-8 on every lookup, a dict does not
        self.lemma_text: dict[int, str] = {}
        self._version = getattr(self.backend, "version", 0)  # offer words adopted since: relearn

    def __call__(self, doc: Doc) -> Doc:
        # LOWER hashes instead of Token objects or doc.text (both create a Token per word)
        lowers = doc.to_array(LOWER).tolist()
        if not lowers:
            return doc
        known = self._lemma_of
        if len(known) > self.MAX_CACHED or self._version != getattr(self.backend, "version", 0):
            self._version = getattr(self.backend, "version", 0)
            known.clear()
            self.lemma_text.clear()
        hashes = list(map(known.get, lowers))  # C-level lookups; only new word types go to Python
        if None in hashes:
            strings = doc.vocab.strings
            hashes = [lemma or self._learn(h, strings) for lemma, h in zip(hashes, lowers, strict=True)]
        doc.from_array([LEMMA], numpy.array(hashes, dtype="uint64").reshape(-1, 1))
        return doc

    def _learn(self, lower_hash: int, strings) -> int:
        lemma = self.backend.lemma(strings[lower_hash].replace("ё", "е"))
        lemma_hash = strings.add(lemma)
        self._lemma_of[lower_hash] = lemma_hash
        self.lemma_text[lemma_hash] = lemma
        return lemma_hash


SENTENCE_PUNCTUATION = frozenset({".", "!", "?", "…", "!!", "??", "?!", "...", "!!!", "。"})


class SentenceComponent:
    """Sentence starts after sentence-final punctuation (spaCy's sentencizer rule), computed on
    arrays so that no Token objects are created."""

    def __init__(self, vocab) -> None:
        self.end_hashes = frozenset(vocab.strings.add(p) for p in SENTENCE_PUNCTUATION)

    def __call__(self, doc: Doc) -> Doc:
        # ORTH hashes, not doc.text: Doc.text builds a Token object per word
        orths = doc.to_array(ORTH).tolist()
        if orths:
            ends = self.end_hashes
            # a sentence starts at the first token and after a run of sentence-final punctuation
            starts = [1] + [
                1 if previous in ends and orth not in ends else -1 for previous, orth in pairwise(orths)
            ]
            # spaCy stores SENT_START as uint64 (-1 in two's complement)
            values = numpy.array(starts, dtype="int64").view("uint64").reshape(-1, 1)
            doc.from_array([SENT_START], values)
        return doc


@Language.factory("shopkeeper_sentences", assigns=["token.is_sent_start"], default_config={})
def make_sentences(nlp: Language, name: str) -> SentenceComponent:
    """spaCy factory for the sentence-boundary component."""
    return SentenceComponent(nlp.vocab)


@Language.factory("shopkeeper_lemmatizer", assigns=["token.lemma"], default_config={})
def make_lemmatizer(nlp: Language, name: str) -> LemmaComponent:
    """spaCy factory for the lemmatizer component."""
    return LemmaComponent(nlp.lang)


@cache
def pipeline(lang: str) -> Language:
    """The pipeline of a language, built once per process (spaCy pipelines are read-only)."""
    if lang not in SUPPORTED_LANGUAGES:
        raise ValueError(f"no pipeline for language {lang!r}")
    nlp = spacy.blank(lang)
    nlp.add_pipe("shopkeeper_sentences")
    nlp.add_pipe("shopkeeper_lemmatizer")
    nlp.max_length = 2_000_000
    return nlp


def lemmatize_phrase(lang: str, phrase: str) -> tuple[str, ...]:
    """The lemma of every token of a phrase, as the pipeline sees it."""
    doc = pipeline(lang)(phrase)
    return tuple(token.lemma_ for token in doc if not token.is_space)

"""spaCy pipelines: blank tokenizer + sentencizer + our lemmatizer component, per language."""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from linker.lemmas import SUPPORTED_LANGUAGES, backend_for


class LemmaComponent:
    """Sets `token.lemma_` (lower-case) from the language's lemma backend."""

    def __init__(self, lang: str) -> None:
        self.backend = backend_for(lang)

    def __call__(self, doc: Doc) -> Doc:
        lemma = self.backend.lemma
        for token in doc:
            token.lemma_ = lemma(token.lower_.replace("ё", "е"))
        return doc


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
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("shopkeeper_lemmatizer")
    nlp.max_length = 2_000_000
    return nlp


def lemmatize_phrase(lang: str, phrase: str) -> tuple[str, ...]:
    """The lemma of every token of a phrase, as the pipeline sees it."""
    doc = pipeline(lang)(phrase)
    return tuple(token.lemma_ for token in doc if not token.is_space)

"""Hashed features of a sentence: folded lemmas, lemma bigrams and character 3-5-grams.

The same function builds the training matrix and the run-time vector, so the two agree.
Hashing is CRC-32 (stable across processes, unlike `hash()`) into a fixed space.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

from linker.text import fold

DIMENSION_BITS = 18
CHAR_NGRAMS = (3, 4, 5)
MAX_TOKENS = 400  # a paragraph longer than this is read from its start only
LEMMA_WEIGHT = 1.0
BIGRAM_WEIGHT = 0.7
CHAR_WEIGHT = 0.35
_BIGRAM = zlib.crc32(b"b:")
_SQUARES = {weight: weight * weight for weight in (LEMMA_WEIGHT, BIGRAM_WEIGHT, CHAR_WEIGHT)}


@dataclass(frozen=True)
class Features:
    """A sparse, L2-normalised feature vector and the lemma behind each lemma feature."""

    indices: list[int]
    values: list[float]
    lemma_of: dict[int, str]  # feature index -> lemma (for explanations)


def _hash(feature: str, mask: int) -> int:
    return zlib.crc32(feature.encode("utf-8")) & mask


@lru_cache(maxsize=200_000)
def _char_grams(token: str, mask: int) -> tuple[int, ...]:
    """The hashed character 3-5-grams of one folded word (words repeat: computed once each)."""
    padded = f" {token} "
    return tuple(
        _hash("c:" + padded[start : start + n], mask)
        for n in CHAR_NGRAMS
        for start in range(len(padded) - n + 1)
    )


def _word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


@lru_cache(maxsize=200_000)
def _token(token: str, mask: int) -> tuple[int, ...] | None:
    """A word as written: its character n-grams once folded, None for punctuation and symbols."""
    folded = fold(token)
    return _char_grams(folded, mask) if _word(folded) else None


@lru_cache(maxsize=200_000)
def _lemma(lemma: str, mask: int) -> tuple[str, int, int, bytes]:
    """A lemma folded, its hashed lemma feature, the CRC-32 of "b:<lemma> " (where a bigram that
    starts with it continues) and its UTF-8 bytes (how a bigram that ends with it ends)."""
    folded = fold(lemma)
    encoded = folded.encode("utf-8")
    return folded, _hash("w:" + folded, mask), zlib.crc32(b" ", zlib.crc32(encoded, _BIGRAM)), encoded


def featurize(tokens: Sequence[str], lemmas: Sequence[str], bits: int = DIMENSION_BITS) -> Features:
    """Features of a tokenized, lemmatized text (tokens as written, lemmas from the linker's backends).

    Each word type's folding, n-grams and hashes are computed once per process (the caches above);
    a text costs a few dictionary operations per word."""
    mask = (1 << bits) - 1
    grams: list[tuple[int, ...]] = []
    words: list[tuple[str, int, int, bytes]] = []  # `_lemma` of each word token
    for token, lemma in zip(tokens[:MAX_TOKENS], lemmas[:MAX_TOKENS], strict=False):
        token_grams = _token(token, mask)
        if token_grams is not None:
            grams.append(token_grams)
            words.append(_lemma(lemma, mask))
    # insertion order and values exactly as one pass of lemmas, then bigrams, then n-grams would give
    weights = dict.fromkeys([word[1] for word in words], LEMMA_WEIGHT)
    lemma_of: dict[int, str] = {}
    for lemma_text, index, _prefix, _encoded in words:
        lemma_of.setdefault(index, lemma_text)
    # the hash of "b:<first> <second>", continued from the cached hash of "b:<first> "
    crc32 = zlib.crc32
    for first, second in zip(words, words[1:], strict=False):
        weights[crc32(second[3], first[2]) & mask] = BIGRAM_WEIGHT
    chars = dict.fromkeys(chain.from_iterable(grams), CHAR_WEIGHT)
    for index in weights:  # an n-gram never overrides a lemma or bigram feature
        chars.pop(index, None)
    weights.update(chars)
    values = list(weights.values())
    norm = math.sqrt(sum(map(_SQUARES.__getitem__, values))) or 1.0
    scaled = {weight: weight / norm for weight in _SQUARES}
    return Features(list(weights), list(map(scaled.__getitem__, values)), lemma_of)


def featurize_text(text: str, lang: str, bits: int = DIMENSION_BITS) -> Features:
    """Features of raw text, tokenized and lemmatized with the language's shared pipeline."""
    from spacy.attrs import IS_SPACE, LEMMA, ORTH

    from linker.nlp import pipeline

    nlp = pipeline(lang)
    # tokens and lemmas are all the features read: the tokenizer and the lemmatizer, without
    # the sentence splitter and nlp(text)'s per-call bookkeeping
    doc = nlp.get_pipe("shopkeeper_lemmatizer")(nlp.make_doc(text[:20_000]))
    # columns of arrays rather than Token objects (a Token per word costs more than the features)
    rows = doc.to_array([ORTH, LEMMA, IS_SPACE]).tolist()
    strings = doc.vocab.strings
    tokens = [strings[orth] for orth, _lemma, space in rows if not space]
    lemmas = [strings[lemma] for _orth, lemma, space in rows if not space]
    return featurize(tokens, lemmas, bits)

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

from linker.text import fold

DIMENSION_BITS = 18
CHAR_NGRAMS = (3, 4, 5)
MAX_TOKENS = 400  # a paragraph longer than this is read from its start only
LEMMA_WEIGHT = 1.0
BIGRAM_WEIGHT = 0.7
CHAR_WEIGHT = 0.35


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


def featurize(tokens: Sequence[str], lemmas: Sequence[str], bits: int = DIMENSION_BITS) -> Features:
    """Features of a tokenized, lemmatized text (tokens as written, lemmas from the linker's backends)."""
    mask = (1 << bits) - 1
    weights: dict[int, float] = {}
    lemma_of: dict[int, str] = {}
    words = [
        (fold(t), fold(lemma)) for t, lemma in zip(tokens[:MAX_TOKENS], lemmas[:MAX_TOKENS], strict=False)
    ]
    words = [(t, lemma) for t, lemma in words if _word(t)]
    folded_lemmas = [lemma for _t, lemma in words]
    for lemma in folded_lemmas:
        index = _hash("w:" + lemma, mask)
        weights[index] = LEMMA_WEIGHT
        lemma_of.setdefault(index, lemma)
    for first, second in zip(folded_lemmas, folded_lemmas[1:], strict=False):
        weights[_hash(f"b:{first} {second}", mask)] = BIGRAM_WEIGHT
    for token, _lemma in words:
        for index in _char_grams(token, mask):
            weights.setdefault(index, CHAR_WEIGHT)
    norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
    indices = list(weights)
    return Features(indices, [weights[i] / norm for i in indices], lemma_of)


def featurize_text(text: str, lang: str, bits: int = DIMENSION_BITS) -> Features:
    """Features of raw text, tokenized and lemmatized with the language's shared pipeline."""
    from linker.nlp import pipeline

    doc = pipeline(lang)(text[:20_000])
    tokens = [token.text for token in doc if not token.is_space]
    lemmas = [token.lemma_ for token in doc if not token.is_space]
    return featurize(tokens, lemmas, bits)

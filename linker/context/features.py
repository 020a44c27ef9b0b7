"""Hashed features of a sentence: folded lemmas, lemma bigrams and character 3-5-grams.

The same function builds the training matrix and the run-time vector, so the two agree.
Hashing is CRC-32 (stable across processes, unlike `hash()`) into a fixed space.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain, compress, repeat
from operator import itemgetter

from linker.text import fold

DIMENSION_BITS = 18
CHAR_NGRAMS = (3, 4, 5)
MAX_TOKENS = 400  # a paragraph longer than this is read from its start only
CACHED_WORDS = 200_000  # word types each per-word cache holds
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


def _char_grams(token: str, mask: int) -> tuple[int, ...]:
    """The hashed character 3-5-grams of one folded word."""
    padded = f" {token} "
    return tuple(
        _hash("c:" + padded[start : start + n], mask)
        for n in CHAR_NGRAMS
        for start in range(len(padded) - n + 1)
    )


def _word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


# the parts of a `_WordCache` lemma entry that `featurize` reads, as C-level getters
_FOLDED, _INDEX, _PREFIX, _ENCODED = (itemgetter(i) for i in range(4))


class _WordCache:
    """What each word type contributes, computed once per process: a word's n-grams, a lemma's
    hashes. Plain dicts read with `map(dict.get, ...)`: a known word costs no Python call."""

    def __init__(self, bits: int) -> None:
        self.mask = (1 << bits) - 1
        self.grams: dict[str, tuple[int, ...]] = {}  # token as written -> n-grams; () not a word
        self.lemmas: dict[str, tuple[str, int, int, bytes]] = {}

    def grams_of(self, tokens: Iterable[str]) -> list[tuple[int, ...]]:
        """The hashed character n-grams of each token once folded; () for punctuation and symbols."""
        tokens = list(tokens)
        found = list(map(self.grams.get, tokens))
        if None in found:
            learn = self._token
            found = [learn(t) if known is None else known for known, t in zip(found, tokens, strict=True)]
        return found

    def lemmas_of(self, lemmas: Iterable[str]) -> list[tuple[str, int, int, bytes]]:
        """Each lemma folded, its hashed lemma feature, the CRC-32 of "b:<lemma> " (where a
        bigram that starts with it continues) and its UTF-8 bytes (how a bigram ending with it ends)."""
        lemmas = list(lemmas)
        found = list(map(self.lemmas.get, lemmas))
        if None in found:
            found = [entry or self._lemma(lemma) for entry, lemma in zip(found, lemmas, strict=True)]
        return found

    def _token(self, token: str) -> tuple[int, ...]:
        if len(self.grams) >= CACHED_WORDS:  # a bound, not an LRU: past it the cache starts again
            self.grams.clear()
        folded = fold(token)
        grams = self.grams[token] = _char_grams(folded, self.mask) if _word(folded) else ()
        return grams

    def _lemma(self, lemma: str) -> tuple[str, int, int, bytes]:
        if len(self.lemmas) >= CACHED_WORDS:
            self.lemmas.clear()
        folded = fold(lemma)
        encoded = folded.encode("utf-8")
        prefix = zlib.crc32(b" ", zlib.crc32(encoded, _BIGRAM))
        entry = self.lemmas[lemma] = (folded, _hash("w:" + folded, self.mask), prefix, encoded)
        return entry


@cache
def _word_cache(bits: int) -> _WordCache:
    return _WordCache(bits)


def featurize(tokens: Sequence[str], lemmas: Sequence[str], bits: int = DIMENSION_BITS) -> Features:
    """Features of a tokenized, lemmatized text (tokens as written, lemmas from the linker's backends).

    The values and their order are those of one pass of lemmas (1.0), then bigrams (0.7, over a
    lemma feature they collide with), then character n-grams (0.35, never over another kind),
    L2-normalised with the squares summed in that order. Each word type's folding, n-grams and
    hashes are computed once per process (`_WordCache`); a text costs a few C-level passes
    (`map`, `dict.fromkeys`), and the n-grams, most of the features, are each touched once."""
    cache = _word_cache(bits)
    count = min(len(tokens), len(lemmas), MAX_TOKENS)
    grams = cache.grams_of(tokens[:count])
    keep = list(map(bool, grams))  # punctuation and symbols have no n-grams and count for nothing
    words = cache.lemmas_of(compress(lemmas[:count], keep))
    lemma_ids = list(map(_INDEX, words))
    weights = dict.fromkeys(lemma_ids, LEMMA_WEIGHT)
    # the hash of "b:<first> <second>", continued from the cached hash of "b:<first> "
    bigrams = map(zlib.crc32, map(_ENCODED, words[1:]), map(_PREFIX, words))
    weights.update(zip(map(cache.mask.__and__, bigrams), repeat(BIGRAM_WEIGHT)))
    # the n-grams of each word type once (a repeated word adds none), after the lemma features
    typed = cache.grams_of(dict.fromkeys(compress(tokens[:count], keep)))
    order = dict.fromkeys(chain(weights, chain.from_iterable(typed)))
    chars = len(order) - len(weights)
    squares = sum(map(_SQUARES.__getitem__, weights.values()))
    norm = math.sqrt(sum(repeat(_SQUARES[CHAR_WEIGHT], chars), squares)) or 1.0
    values = [weight / norm for weight in weights.values()] + [CHAR_WEIGHT / norm] * chars
    # the first lemma of each lemma feature (zipped backwards: the first occurrence is written last)
    lemma_of = dict(zip(reversed(lemma_ids), map(_FOLDED, reversed(words)), strict=True))
    return Features(list(order), values, lemma_of)


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

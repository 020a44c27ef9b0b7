"""The linker's cheaper paths give the answers of their plain definitions (issue 13, item 6).

The context model's features are built from per-word caches, each word type's n-grams once, and
a CRC-32 continued from a cached prefix; simplemma's forms come from a pass kept to the wanted
lemmas. Each is checked here against the plain way of computing the same thing, so a faster path
can never change a decision (the shipped model was trained on the plain definition)."""

import math
import zlib

import pytest

from linker.context import featurize, featurize_text
from linker.context.features import BIGRAM_WEIGHT, CHAR_NGRAMS, CHAR_WEIGHT, LEMMA_WEIGHT, MAX_TOKENS
from linker.lemmas import backend_for
from linker.nlp import pipeline
from linker.text import fold

SENTENCES = [
    ("en", "The cyclist was run over by a lorry -- and did NOT survive; he'd bought the bike in May!"),
    ("pl", "Kierowca motocykla zginął po zderzeniu z autobusem pod Radomiem, a rower był nowy."),
    ("cs", "Chodec zemřel poté, co ho v noci srazilo auto na přechodu; notebook přežil."),
    ("ru", "Водитель мотоцикла погиб после столкновения с автобусом, ёлка упала."),
    ("en", "router router router. Router!"),  # repeated words and lemmas
    ("cs", " ".join(["Pračka", "pere", "prádlo", ",", "pračka", "Pere"] * 80)),  # past MAX_TOKENS
    ("en", "   "),
]


def plain_features(tokens, lemmas, bits=18):
    """The definition, written out: folded lemmas, then lemma bigrams, then character 3-5-grams
    of the words (a later kind never overrides an earlier feature, except bigrams over lemmas)."""
    mask = (1 << bits) - 1

    def hashed(feature):
        return zlib.crc32(feature.encode("utf-8")) & mask

    words = [
        (fold(t), fold(lemma)) for t, lemma in zip(tokens[:MAX_TOKENS], lemmas[:MAX_TOKENS], strict=False)
    ]
    words = [(t, lemma) for t, lemma in words if any(ch.isalnum() for ch in t)]
    weights, lemma_of = {}, {}
    for _t, lemma in words:
        weights[hashed("w:" + lemma)] = LEMMA_WEIGHT
        lemma_of.setdefault(hashed("w:" + lemma), lemma)
    for (_a, first), (_b, second) in zip(words, words[1:], strict=False):
        weights[hashed(f"b:{first} {second}")] = BIGRAM_WEIGHT
    for t, _lemma in words:
        padded = f" {t} "
        for n in CHAR_NGRAMS:
            for start in range(len(padded) - n + 1):
                weights.setdefault(hashed("c:" + padded[start : start + n]), CHAR_WEIGHT)
    norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
    return list(weights), [v / norm for v in weights.values()], lemma_of


@pytest.mark.parametrize(("lang", "text"), SENTENCES)
@pytest.mark.parametrize("bits", [18, 10])  # 10 bits: many collisions between the kinds of feature
def test_features_are_the_plain_definition(lang, text, bits):
    doc = pipeline(lang)(text)
    tokens = [token.text for token in doc if not token.is_space]
    lemmas = [token.lemma_ for token in doc if not token.is_space]
    expected = plain_features(tokens, lemmas, bits)
    for features in (featurize(tokens, lemmas, bits), featurize_text(text, lang, bits)):
        # exact, in order: the order of the values is the order of the model's dot product
        assert (features.indices, features.values, features.lemma_of) == expected


@pytest.mark.parametrize("lang", ["en", "cs"])
def test_simplemma_forms_and_lemmas_match_a_full_reverse_index(lang):
    backend = backend_for(lang)
    items = list(backend._dictionary._dict.items())
    reverse = {}
    for form, lemma in items:
        reverse.setdefault(lemma.decode().lower(), set()).add(form.decode().lower())
    sample = sorted(reverse)[:: max(1, len(reverse) // 300)] + ["router", "mouse", "nonexistentword"]
    found = backend.forms(sample, backend.lemma)
    for lemma in sample:
        expected = {f for f in reverse.get(lemma, set()) | backend._guessed_forms(lemma) | {lemma}}
        expected = {f for f in expected if backend.lemma(f) == lemma} | {lemma}
        assert found[lemma] == expected, lemma
        assert backend.is_lemma(lemma) == (lemma in reverse)
    assert not backend.is_lemma("nonexistentword")

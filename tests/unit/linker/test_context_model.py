"""The learned context model: shipped weights match the corpus, it reads unseen sentences, and
its check blocks sensitive sentences and clears the lexicons' verdicts on protective or
troubleshooting text."""

import json
import sys
from pathlib import Path

import pytest

from linker import Linker
from linker.checks import names as check_names
from linker.checks.context_model import blocking
from linker.context import context_model, featurize_text
from linker.context.corpus import corpus_files, file_hashes, read_corpus
from linker.context.model import ContextModel, shipped_paths
from linker.offers import Policy
from tests.unit.linker.conftest import blocked_reasons, linked

ALL_CHECKS = check_names()  # every registered check, in running order

ROOT = Path(__file__).resolve().parents[3]
LEXICONS_ONLY = Policy(checks=tuple(c for c in ALL_CHECKS if c != "context_model"))

LAPTOP = {
    "id": "laptop",
    "title": "Laptops",
    "url": "https://shop.example.com/laptops",
    "phrases": {"en": ["laptop"], "pl": ["laptop"], "cs": ["notebook"], "ru": ["ноутбук"]},
}
BICYCLE = {
    "id": "bicycle",
    "title": "Bicycles",
    "url": "https://shop.example.com/bicycles",
    "phrases": {"en": ["bicycle", "bike"], "pl": ["rower"], "cs": ["kolo"], "ru": ["велосипед"]},
}
FIRST_AID = {
    "id": "first-aid-kit",
    "title": "First-aid kits",
    "url": "https://shop.example.com/kit",
    "phrases": {"en": ["first-aid kit"], "pl": ["apteczka"], "cs": ["lékárnička"], "ru": ["аптечка"]},
}
LIFE = {
    "id": "life-insurance",
    "title": "Life insurance",
    "url": "https://shop.example.com/life",
    "phrases": {"en": ["life insurance"], "pl": ["ubezpieczenie na życie"]},
}
OFFERS = [LAPTOP, BICYCLE, FIRST_AID, LIFE]

# Written for these tests, not in the corpus (checked below): (lang, text, expected reading).
UNSEEN = [
    ("en", "Two hikers froze to death on the ridge after the weather turned.", "sensitive"),
    ("en", "Give the mouse a full charge and reconnect it in the Bluetooth menu.", "safe"),
    ("pl", "Kierowca motocykla zginął po zderzeniu z autobusem pod Radomiem.", "sensitive"),
    ("pl", "Nowy ekspres do kawy przygotuje cappuccino w minutę.", "safe"),
    ("cs", "Chodec zemřel poté, co ho v noci srazilo auto na přechodu.", "sensitive"),
    ("cs", "Kávovar odvápněte každé dva měsíce podle návodu v balení.", "safe"),
    ("ru", "Водитель мотоцикла погиб после столкновения с автобусом.", "sensitive"),
    ("ru", "Удаляйте накипь в кофемашине раз в два месяца по инструкции.", "safe"),
]


@pytest.fixture(scope="module")
def model() -> ContextModel:
    return context_model()


def test_shipped_model_was_trained_on_the_corpus_as_it_is(model):
    # editing a corpus file without retraining (scripts/train_context_model.py) fails here
    assert model.meta["training"]["files"] == file_hashes(corpus_files())
    assert set(model.labels) >= {"death_injury", "protective", "troubleshooting", "neutral"}


def test_the_model_file_stays_small():
    npz, meta = shipped_paths()
    assert npz.stat().st_size < 5_000_000
    assert json.loads(meta.read_text("utf-8"))["features"]["hash"] == "crc32"


@pytest.mark.parametrize(("lang", "text", "reading"), UNSEEN)
def test_reads_unseen_sentences(model, lang, text, reading):
    corpus = {e.text for e in read_corpus(corpus_files())}
    assert text not in corpus
    prediction = model.predict(featurize_text(text, lang))
    # what the check does with the reading: block on a sensitive one that outweighs the safe readings
    assert bool(blocking(prediction)) == (reading == "sensitive"), prediction.probabilities


def test_the_words_that_weighed_most_are_content_words(model):
    prediction = model.predict(featurize_text("The pedestrian was killed by a speeding lorry.", "en"))
    assert prediction.sensitive
    words = prediction.words[prediction.sensitive[0]]
    assert words and not set(words) & {"the", "a", "be", "by"}


def test_blocks_a_death_told_in_plain_words():
    text = (
        "The cyclist was run over by a lorry on the bypass and did not survive; "
        "he had bought the bike in May."
    )
    result = Linker(OFFERS).scan(text, lang="en")
    assert "bicycle" not in linked(result)
    assert any(
        r.startswith(("context:", "sensitive:", "document:")) for r in blocked_reasons(result, "bicycle")
    )


@pytest.mark.parametrize(
    ("lang", "text", "offer"),
    [
        ("en", "A first-aid kit for the kitchen should hold dressings for burns and cuts.", "first-aid-kit"),
        ("en", "Life insurance pays your family a lump sum if you die during the term.", "life-insurance"),
        ("pl", "Apteczka samochodowa powinna zawierać opatrunki na oparzenia i rany.", "first-aid-kit"),
        ("cs", "Lékárnička v autě má obsahovat obvazy na popáleniny a rány.", "first-aid-kit"),
    ],
)
def test_protective_framing_clears_the_lexicons(lang, text, offer):
    # the lexicons alone block these ("die", "burns"): the model's framing reading lets the link through
    assert offer not in linked(Linker(OFFERS, LEXICONS_ONLY).scan(text, lang=lang))
    assert offer in linked(Linker(OFFERS).scan(text, lang=lang))


def test_training_runs_on_a_small_slice(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from train_context_model import train
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    meta = train(tmp_path, limit=240, bits=14)
    small = ContextModel.load(tmp_path / "context_model.npz", tmp_path / "context_model.json")
    assert small.bits == 14 and small.weights.shape == (1 << 14, len(small.labels))
    assert meta["training"]["examples"]["train"] > 0
    assert all(0 < t <= 1.01 for t in small.thresholds.values())  # 1.01: never blocks


PARAGRAPH_DEATH = [
    (
        "en",
        "Our neighbour's son never came home from school on Friday; the driver of the van did not stop. "
        "Their garage is still full of his things, the bike too.",
    ),
]


@pytest.mark.parametrize(("lang", "text"), PARAGRAPH_DEATH)
def test_a_death_told_in_another_sentence_of_the_paragraph_blocks_the_link(lang, text):
    last = text.rsplit(". ", 1)[1]
    assert "bicycle" in linked(Linker(OFFERS).scan(last, lang=lang))  # the sentence alone is harmless
    assert "bicycle" in linked(Linker(OFFERS, LEXICONS_ONLY).scan(text, lang=lang))  # no lexicon word
    result = Linker(OFFERS).scan(text, lang=lang)
    assert "bicycle" not in linked(result)
    assert any(r.startswith("context:death_injury") for r in blocked_reasons(result, "bicycle"))

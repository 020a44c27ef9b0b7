"""Loading the shipped context model and classifying a feature vector with it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy

from linker.context.features import Features

SENSITIVE = (
    "death_injury",
    "accident_disaster",
    "crime_violence",
    "self_harm",
    "illness_bereavement",
    "complaint_anger",
    "rejection",
    "sarcasm",
)
FRAMING = ("protective", "troubleshooting")
MODEL_NAME = "context_model"
TOP_WORDS = 3


@dataclass(frozen=True)
class Prediction:
    """The model's reading of one text."""

    probabilities: dict[str, float]
    sensitive: tuple[str, ...]  # sensitive categories over their thresholds, most probable first
    framing: tuple[str, ...]  # protective/troubleshooting over their thresholds
    words: dict[str, tuple[str, ...]]  # per category found: the lemmas that weighed most


class ContextModel:
    """A one-vs-rest logistic regression over hashed features; weights held in a NumPy array."""

    def __init__(self, weights: numpy.ndarray, bias: numpy.ndarray, meta: dict) -> None:
        self.weights, self.bias, self.meta = weights, bias, meta
        self.labels: list[str] = list(meta["labels"])
        self.thresholds: dict[str, float] = dict(meta["thresholds"])
        self.bits: int = int(meta["features"]["bits"])
        self.common: frozenset[str] = frozenset(meta.get("common_lemmas", ()))  # never shown as evidence

    @classmethod
    def load(cls, npz: Path, meta_path: Path) -> ContextModel:
        """Read a model written by the training script (sparse rows of float16 weights)."""
        meta = json.loads(meta_path.read_text("utf-8"))
        with numpy.load(npz) as data:
            rows, values, bias = data["rows"], data["weights"], data["bias"]
        # kept as shipped (float16): half the memory and cache lines of float32; the rows a text
        # reads are widened to float32 (exactly) before the dot product
        weights = numpy.zeros((1 << int(meta["features"]["bits"]), len(meta["labels"])), dtype=values.dtype)
        weights[rows] = values
        return cls(weights, bias.astype(numpy.float32), meta)

    def probabilities(self, features: Features) -> numpy.ndarray:
        """Per-label probability (sigmoid of the linear score)."""
        count = len(features.indices)
        if not count:
            scores = self.bias
        else:
            # fromiter with a known dtype and `take` with an index array: the same numbers as
            # asarray and fancy indexing with a list, without their per-element type discovery
            values = numpy.fromiter(features.values, dtype=numpy.float32, count=count)
            rows = numpy.fromiter(features.indices, dtype=numpy.intp, count=count)
            scores = values @ self.weights.take(rows, axis=0).astype(numpy.float32) + self.bias
        return 1.0 / (1.0 + numpy.exp(-scores))

    def predict(self, features: Features) -> Prediction:
        """Probabilities, the categories over threshold and the words that weighed most."""
        probs = self.probabilities(features).tolist()  # float32 -> Python floats, as float() gives
        by_label = dict(zip(self.labels, probs, strict=True))
        over = sorted(
            (label for label in self.labels if by_label[label] >= self.thresholds.get(label, 0.5)),
            key=lambda label: -by_label[label],
        )
        sensitive = tuple(label for label in over if label in SENSITIVE)
        framing = tuple(label for label in over if label in FRAMING)
        words = {label: self.top_words(features, label) for label in sensitive + framing}
        return Prediction(by_label, sensitive, framing, words)

    def top_words(self, features: Features, label: str, count: int = TOP_WORDS) -> tuple[str, ...]:
        """The lemmas whose features pushed `label` up most in this text."""
        column = self.labels.index(label)
        lemma_of, common = features.lemma_of, self.common
        # only lemma features can be shown: gather their weights in one NumPy read
        shown = [
            (position, lemma_of[index])
            for position, index in enumerate(features.indices)
            if index in lemma_of and lemma_of[index] not in common
        ]
        if not shown:
            return ()
        rows = [features.indices[position] for position, _lemma in shown]
        weights = self.weights[rows, column].tolist()  # float16 -> Python floats (exact)
        values = features.values
        scored: dict[str, float] = {}
        for (position, lemma), weight in zip(shown, weights, strict=True):
            scored[lemma] = max(scored.get(lemma, 0.0), weight * values[position])
        ranked = sorted((w for w in scored.items() if w[1] > 0), key=lambda item: -item[1])
        return tuple(lemma for lemma, _weight in ranked[:count])


def shipped_paths() -> tuple[Path, Path]:
    """Where the package keeps the trained model."""
    folder = Path(str(resources.files("linker.data")))
    return folder / f"{MODEL_NAME}.npz", folder / f"{MODEL_NAME}.json"


@cache
def context_model() -> ContextModel:
    """The shipped model, loaded lazily and once per process."""
    return ContextModel.load(*shipped_paths())

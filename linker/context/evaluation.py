"""Precision and recall of the context model on labelled examples, per category and language."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from linker.context.corpus import Example
from linker.context.features import featurize_text
from linker.context.model import ContextModel


def predicted_labels(model: ContextModel, example: Example) -> set[str]:
    """The labels over threshold for one example (sensitive and framing)."""
    prediction = model.predict(featurize_text(example.text, example.lang, model.bits))
    return set(prediction.sensitive) | set(prediction.framing)


def scores(model: ContextModel, examples: Iterable[Example]) -> dict[tuple[str, str], dict[str, float]]:
    """{(lang or 'all', label): {'precision', 'recall', 'support'}} for every scored label."""
    counts: Counter = Counter()
    for example in examples:
        found = predicted_labels(model, example)
        for lang in (example.lang, "all"):
            for label in model.labels:
                if label == "neutral":
                    continue
                truth, guess = example.label == label, label in found
                counts[lang, label, "tp"] += truth and guess
                counts[lang, label, "fp"] += guess and not truth
                counts[lang, label, "fn"] += truth and not guess
    table = {}
    for lang, label in {(k[0], k[1]) for k in counts}:
        tp, fp, fn = (counts[lang, label, kind] for kind in ("tp", "fp", "fn"))
        table[lang, label] = {
            "precision": tp / (tp + fp) if tp + fp else float("nan"),
            "recall": tp / (tp + fn) if tp + fn else float("nan"),
            "support": tp + fn,
        }
    return table

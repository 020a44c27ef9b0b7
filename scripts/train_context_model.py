"""Train the linker's context model from linker/training and write linker/data/context_model.*.

usage: python scripts/train_context_model.py [--out DIR] [--limit N] [--bits B] [--no-refit]

Deterministic: same corpus, same model. The held-out split (20 %, by a hash of the text) is
never trained or tuned on; thresholds are tuned on the dev split (20 %), then the model is
refitted on train + dev. Needs scikit-learn (test extras); the shipped model runs on NumPy.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from linker.context.corpus import LABELS, Example, corpus_files, file_hashes, read_corpus  # noqa: E402
from linker.context.features import (  # noqa: E402
    BIGRAM_WEIGHT,
    CHAR_NGRAMS,
    CHAR_WEIGHT,
    DIMENSION_BITS,
    LEMMA_WEIGHT,
    featurize_text,
)
from linker.context.model import FRAMING, MODEL_NAME  # noqa: E402

C = 4.0
THRESHOLDS = [round(0.05 * i, 2) for i in range(2, 19)]
# a sensitive category's threshold is tuned from TUNING_FLOOR up: dev supports are small (tens per
# category), and a threshold tuned lower on them makes the category fire on ordinary product text
TUNING_FLOOR = 0.3
# and a tuned threshold below SENSITIVE_FLOOR is raised to it: round 6 tuned accident to 0.45 and
# blocked "Fire up the grill" and a tench caught in a pond. On the dev split (train-only models),
# raising to 0.5: 156/547 traps linked, 582/640 safe sentences linked; tuned as is: 150 and 579;
# tuning from 0.5 up instead (accident 0.6, crime 0.55): 163 and 582.
SENSITIVE_FLOOR = 0.5
MIN_PRECISION = 0.35  # on dev, for a sensitive category to block at all
DISABLED = 1.01  # a threshold no probability reaches
BETA = {"framing": 0.5, "sensitive": 1.0}  # framing unblocks a lexicon verdict: precision first
KEEP = 1e-3
COMMON_LEMMAS = 60  # weights smaller than this are not shipped


def matrix(examples: list[Example], bits: int) -> csr_matrix:
    """The hashed feature matrix of the examples."""
    rows, cols, values = [], [], []
    for row, example in enumerate(examples):
        features = featurize_text(example.text, example.lang, bits)
        rows.extend([row] * len(features.indices))
        cols.extend(features.indices)
        values.extend(features.values)
    return csr_matrix((values, (rows, cols)), shape=(len(examples), 1 << bits), dtype=numpy.float64)


def fit(x: csr_matrix, examples: list[Example]) -> tuple[numpy.ndarray, numpy.ndarray]:
    """One logistic regression per label: weights (features x labels) and biases."""
    weights = numpy.zeros((x.shape[1], len(LABELS)))
    bias = numpy.zeros(len(LABELS))
    for column, label in enumerate(LABELS):
        y = numpy.array([e.label == label for e in examples])
        if y.all() or not y.any():
            bias[column] = 10.0 if y.all() else -10.0
            continue
        model = LogisticRegression(C=C, class_weight="balanced", solver="liblinear", max_iter=1000)
        model.fit(x, y)
        weights[:, column], bias[column] = model.coef_[0], model.intercept_[0]
    return weights, bias


def tune(probabilities: numpy.ndarray, examples: list[Example]) -> dict[str, float]:
    """Per label, the threshold with the best F-beta on the dev split (a sensitive category's at
    least SENSITIVE_FLOOR); a sensitive category must also reach MIN_PRECISION there, else it
    never blocks (threshold DISABLED)."""
    thresholds = {}
    for column, label in enumerate(LABELS):
        truth = numpy.array([e.label == label for e in examples])
        sensitive = label not in FRAMING and label != "neutral"
        beta = BETA["sensitive" if sensitive else "framing"]
        best, best_score = (DISABLED if sensitive else 0.5), -1.0
        for threshold in (t for t in THRESHOLDS if t >= (TUNING_FLOOR if sensitive else 0.0)):
            guess = probabilities[:, column] >= threshold
            tp = float((guess & truth).sum())
            precision = tp / max(guess.sum(), 1)
            recall = tp / max(truth.sum(), 1)
            if sensitive and precision < MIN_PRECISION:
                continue
            score = (1 + beta**2) * precision * recall / max(beta**2 * precision + recall, 1e-9)
            if score > best_score:
                best, best_score = threshold, score
        thresholds[label] = max(best, SENSITIVE_FLOOR) if sensitive else best
    return thresholds


def probabilities(x: csr_matrix, weights: numpy.ndarray, bias: numpy.ndarray) -> numpy.ndarray:
    return 1.0 / (1.0 + numpy.exp(-(x @ weights + bias)))


def common_lemmas(examples: list[Example], count: int = COMMON_LEMMAS) -> list[str]:
    """The most frequent lemmas per language (function words): too common to explain a decision."""
    found: set[str] = set()
    for lang in sorted({e.lang for e in examples}):
        counts: Counter = Counter()
        for example in (e for e in examples if e.lang == lang):
            counts.update(set(featurize_text(example.text, lang).lemma_of.values()))
        found.update(lemma for lemma, _n in counts.most_common(count))
    return sorted(found)


def write(out: Path, weights: numpy.ndarray, bias: numpy.ndarray, meta: dict) -> None:
    """Sparse rows of float16 weights (.npz) and the metadata (.json)."""
    rows = numpy.flatnonzero(numpy.abs(weights).max(axis=1) >= KEEP).astype(numpy.uint32)
    numpy.savez_compressed(
        out / f"{MODEL_NAME}.npz",
        rows=rows,
        weights=weights[rows].astype(numpy.float16),
        bias=bias.astype(numpy.float32),
    )
    (out / f"{MODEL_NAME}.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", "utf-8")


def train(out: Path, limit: int | None = None, bits: int = DIMENSION_BITS, refit: bool = True) -> dict:
    """Train, tune, refit and write the model; returns its metadata.

    refit=False keeps the model fitted on the train split alone: a model whose dev split is
    unseen, for comparing check settings on dev (benchmarks/corpus_linker_eval.py --model).
    """
    files = corpus_files()
    examples = read_corpus(files)
    if limit:
        examples = examples[:: max(1, len(examples) // limit)][:limit]
    train_part = [e for e in examples if e.split == "train"]
    dev_part = [e for e in examples if e.split == "dev"]
    weights, bias = fit(matrix(train_part, bits), train_part)
    thresholds = tune(probabilities(matrix(dev_part, bits), weights, bias), dev_part)
    fitted = train_part + dev_part if refit else train_part
    if refit:
        weights, bias = fit(matrix(fitted, bits), fitted)
    meta = {
        "labels": list(LABELS),
        "thresholds": thresholds,
        "features": {
            "bits": bits,
            "lemma_weight": LEMMA_WEIGHT,
            "bigram_weight": BIGRAM_WEIGHT,
            "char_ngrams": list(CHAR_NGRAMS),
            "char_weight": CHAR_WEIGHT,
            "hash": "crc32",
            "normalisation": "l2",
        },
        "common_lemmas": common_lemmas(examples),
        "training": {
            "model": f"one-vs-rest logistic regression (liblinear, C={C}, balanced classes)",
            "split": "sha256(text) % 10: 0-1 held out, 2-3 dev (thresholds), rest train; refit on train+dev",
            "examples": {
                "train": len(train_part),
                "dev": len(dev_part),
                "held_out": len(examples) - len(train_part) - len(dev_part),
            },
            "limit": limit,
            "files": file_hashes(files),
        },
    }
    out.mkdir(parents=True, exist_ok=True)
    write(out, weights, bias, meta)
    return meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "linker" / "data")
    parser.add_argument("--limit", type=int, default=None, help="train on a slice of N examples (smoke test)")
    parser.add_argument("--bits", type=int, default=DIMENSION_BITS)
    parser.add_argument("--no-refit", action="store_true", help="fit on the train split only")
    args = parser.parse_args()
    meta = train(args.out, args.limit, args.bits, refit=not args.no_refit)
    print(json.dumps({"thresholds": meta["thresholds"], "examples": meta["training"]["examples"]}, indent=1))


if __name__ == "__main__":
    main()

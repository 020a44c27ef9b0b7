"""The linker on the context corpus's own sentences: embarrassing links and recall at scale.

usage: python benchmarks/corpus_linker_eval.py [--split held_out|dev|train] [--lang LANG] [--model DIR]

Every sentence of linker/training/corpus/<lang>.tsv in which the naive linker (every phrase
occurrence of an offer in benchmarks/data/corpus_eval/offers.json, lemma-matched) finds a
candidate becomes a case: a sentence labelled with a sensitive category is a trap (any link is
embarrassing), a neutral, protective or troubleshooting sentence should be linked (recall).
Thousands of cases per run, per language and per label, with the corpus's fixed split: the
held-out split (the default) is never trained or tuned on. Figures are printed, never asserted.

To compare check settings without touching the held-out split: train a model on the train split
alone (`python scripts/train_context_model.py --no-refit --out DIR`) and evaluate the dev split
with it (`--split dev --model DIR`).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from linker import Linker, load_offers
from linker.context import model as context_model_module
from linker.context.corpus import corpus_root, read_file
from linker.context.model import SENSITIVE

OFFERS = Path(__file__).resolve().parent / "data" / "corpus_eval" / "offers.json"


def evaluate(linker: Linker, split: str, langs: list[str]) -> Counter:
    """Counts per (lang, label): cases, embarrassing (traps linked) and made (safe sentences linked)."""
    counts: Counter = Counter()
    for path in sorted((corpus_root() / "corpus").glob("*.tsv")):
        if path.stem not in langs:
            continue
        for example in read_file(path):
            if example.split != split:
                continue
            result = linker.scan(example.text, lang=example.lang)
            if not result.links and not result.blocked:
                continue  # no offer word: not a case
            key = (example.lang, example.label)
            counts[key, "cases"] += 1
            counts[key, "linked"] += bool(result.links)
    return counts


def _rate(linked: int, cases: int) -> str:
    return f"{linked}/{cases} ({linked / cases:.2f})" if cases else "–"


def report(counts: Counter, langs: list[str]) -> None:
    """Print traps linked and recall per language, then per label."""
    labels = sorted({label for (_lang, label), _name in counts})
    print("| language | traps linked | recall of safe sentences |")
    print("|---|---:|---:|")
    for lang in [*langs, None]:

        def total(name: str, sensitive: bool, lang: str | None = lang) -> int:
            return sum(
                v
                for ((lg, label), n), v in counts.items()
                if n == name and (lang is None or lg == lang) and (label in SENSITIVE) == sensitive
            )

        traps = _rate(total("linked", True), total("cases", True))
        recall = _rate(total("linked", False), total("cases", False))
        print(f"| {lang or 'all'} | {traps} | {recall} |")
    print("\n| label | " + " | ".join(langs) + " |")
    print("|---|" + "---:|" * len(langs))
    for label in labels:
        cells = [_rate(counts[(lang, label), "linked"], counts[(lang, label), "cases"]) for lang in langs]
        print(f"| {label} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="held_out", choices=("held_out", "dev", "train"))
    parser.add_argument("--lang", action="append", choices=("en", "pl", "cs", "ru"))
    parser.add_argument("--model", type=Path, help="a model folder written by train_context_model.py --out")
    args = parser.parse_args()
    if args.model:  # this process only: the checks load the model through shipped_paths()
        name = context_model_module.MODEL_NAME
        context_model_module.shipped_paths = lambda: (args.model / f"{name}.npz", args.model / f"{name}.json")
    langs = args.lang or ["en", "pl", "cs", "ru"]
    linker = Linker(load_offers(OFFERS))
    counts = evaluate(linker, args.split, langs)
    print(f"corpus sentences with an offer word, split {args.split}; label = linked/cases")
    report(counts, langs)


if __name__ == "__main__":
    main()

"""The context model's figures: held-out precision/recall per category and language, and the
ablation (lexicons only / model only / both) on the development cases and the evaluation cases.

usage: python benchmarks/context_model_eval.py
Figures are printed, never asserted. The held-out split and benchmarks/data/linker_eval are never
trained or tuned on.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from linker import Linker, load_offers
from linker.checks import names as check_names
from linker.context import context_model
from linker.context.corpus import corpus_files, read_corpus
from linker.context.evaluation import scores
from linker.offers import Policy

ALL_CHECKS = check_names()  # every registered check, in running order

ROOT = Path(__file__).resolve().parent.parent
LEXICON_CHECKS = ("tragedy", "sensitive_topic", "negation", "complaint")
MODES = {
    "lexicons only": tuple(c for c in ALL_CHECKS if c != "context_model"),
    "model only": tuple(c for c in ALL_CHECKS if c not in LEXICON_CHECKS),
    "both": ALL_CHECKS,
}
SETS = {
    "dev (tests/data linker_dev + linker_cases)": [
        (ROOT / "tests/data/linker_dev.jsonl", ROOT / "tests/data/linker_dev_offers.json"),
        (ROOT / "tests/data/linker_cases.jsonl", ROOT / "tests/data/offers.json"),
    ],
    "eval (benchmarks/data/linker_eval)": [
        (ROOT / "benchmarks/data/linker_eval/cases.jsonl", ROOT / "benchmarks/data/linker_eval/offers.json"),
    ],
}


def _fmt(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.2f}"


def held_out_table() -> None:
    """Per-language and per-category precision/recall on the held-out split."""
    examples = [e for e in read_corpus(corpus_files()) if e.split == "held_out"]
    table = scores(context_model(), examples)
    langs = ["all", *sorted({lang for lang, _label in table} - {"all"})]
    labels = [label for label in context_model().labels if label != "neutral"]
    print(f"## held-out split ({len(examples)} examples): precision / recall (support)\n")
    print("| category | " + " | ".join(langs) + " |")
    print("|---|" + "---|" * len(langs))
    for label in labels:
        cells = []
        for lang in langs:
            row = table.get((lang, label))
            cells.append(
                f"{_fmt(row['precision'])} / {_fmt(row['recall'])} ({row['support']})" if row else "–"
            )
        print(f"| {label} | " + " | ".join(cells) + " |")


def run_cases(mode: str, pairs: list[tuple[Path, Path]]) -> tuple[int, int, int, int, list[str]]:
    """(embarrassing, traps, made, expected, failures) for one ablation mode over case files."""
    embarrassing = traps = made = expected = 0
    failures = []
    for cases_path, offers_path in pairs:
        linker = Linker(load_offers(offers_path), Policy(checks=MODES[mode]))
        for line in cases_path.read_text("utf-8").splitlines():
            if not line.strip():
                continue
            case = json.loads(line)
            if "html" in case:
                result = linker.scan_html(case["html"], lang=case["lang"])
            else:
                result = linker.scan(case["text"], lang=case["lang"])
            linked = {link.offer for link in result.links}
            for offer in case["nolink"]:
                traps += 1
                if offer in linked:
                    embarrassing += 1
                    failures.append(f"{case['id']} [{case['kind']}]: linked {offer}")
            for offer in case["link"]:
                expected += 1
                if offer in linked:
                    made += 1
                else:
                    failures.append(f"{case['id']} [{case['kind']}]: missed {offer}")
    return embarrassing, traps, made, expected, failures


def ablation(verbose: bool = True) -> None:
    """Embarrassing links and recall of safe links per mode and case set."""
    print("\n## ablation: embarrassing links (of traps) / recall of safe links\n")
    print("| cases | " + " | ".join(MODES) + " |")
    print("|---|" + "---|" * len(MODES))
    failures_both: dict[str, list[str]] = {}
    for name, pairs in SETS.items():
        cells = []
        for mode in MODES:
            embarrassing, traps, made, expected, failures = run_cases(mode, pairs)
            cells.append(f"{embarrassing}/{traps}, recall {made / max(expected, 1):.2f}")
            if mode == "both":
                failures_both[name] = failures
        print(f"| {name} | " + " | ".join(cells) + " |")
    if verbose:
        for name, failures in failures_both.items():
            print(f"\nfailures with both, {name}:")
            for failure in failures:
                print("  -", failure)


if __name__ == "__main__":
    held_out_table()
    ablation()

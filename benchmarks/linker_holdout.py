"""The linker on labelled cases it was never tuned on: embarrassing links and recall, per language and kind.

usage: python benchmarks/linker_holdout.py [CASES.jsonl OFFERS.json]
       (default: benchmarks/data/linker_holdout/, written for this purpose by a writer who saw neither the
       linker's code nor its training data; nobody tunes on it — see SOURCES.md)

A link to an offer in a case's "nolink" is an embarrassing link; a missing link to an offer in
"link" is a missed one. The naive auto-linker (every phrase occurrence, lemma-matched the same way,
no context checks) runs on the same cases for comparison. Figures are printed, never asserted.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from linker import Linker, load_offers

HERE = Path(__file__).resolve().parent
DEFAULT = HERE / "data" / "linker_holdout"


def evaluate(linker: Linker, cases: list[dict], *, naive: bool = False) -> Counter:
    """Counts per (lang, kind): cases, embarrassing links, expected and made links."""
    counts: Counter = Counter()
    for case in cases:
        result = linker.scan(case["text"], lang=case["lang"])
        linked = {link.offer for link in result.links}
        if naive:
            linked |= {blocked.offer for blocked in result.blocked}
        key = (case["lang"], case["kind"])
        counts[key, "cases"] += 1
        counts[key, "embarrassing"] += len(linked & set(case.get("nolink", [])))
        counts[key, "traps"] += len(case.get("nolink", []))
        counts[key, "expected"] += len(case.get("link", []))
        counts[key, "made"] += len(linked & set(case.get("link", [])))
    return counts


def _total(counts: Counter, what: str, lang: str | None = None, kind: str | None = None) -> int:
    return sum(
        v
        for (key, name), v in counts.items()
        if name == what and (lang is None or key[0] == lang) and (kind is None or key[1] == kind)
    )


def report(full: Counter, naive: Counter) -> None:
    """Print the per-language and per-kind tables."""
    langs = sorted({key[0] for key, _ in full})
    kinds = sorted({key[1] for key, _ in full})
    print(
        "| language | traps linked (full) | recall of safe links (full) "
        "| traps linked (naive) | recall (naive) |"
    )
    print("|---|---:|---:|---:|---:|")
    for lang in [*langs, None]:
        cells = []
        for counts in (full, naive):
            traps, bad = _total(counts, "traps", lang), _total(counts, "embarrassing", lang)
            expected, made = _total(counts, "expected", lang), _total(counts, "made", lang)
            cells += [f"{bad}/{traps}", f"{made / expected:.2f}" if expected else "–"]
        print(f"| {lang or 'all'} | " + " | ".join(cells) + " |")
    print("\n| kind | cases | traps linked | safe links made |")
    print("|---|---:|---:|---:|")
    for kind in kinds:
        traps, bad = _total(full, "traps", kind=kind), _total(full, "embarrassing", kind=kind)
        expected, made = _total(full, "expected", kind=kind), _total(full, "made", kind=kind)
        print(
            f"| {kind} | {_total(full, 'cases', kind=kind)} | {bad}/{traps} | "
            + (f"{made}/{expected}" if expected else "–")
            + " |"
        )


def main(cases_path: Path, offers_path: Path) -> None:
    cases = [json.loads(line) for line in cases_path.read_text("utf-8").splitlines() if line.strip()]
    linker = Linker(load_offers(offers_path))
    full = evaluate(linker, cases)
    naive = evaluate(linker, cases, naive=True)
    print(f"{len(cases)} held-out cases, {cases_path.name}\n")
    report(full, naive)


if __name__ == "__main__":
    if len(sys.argv) == 3:
        main(Path(sys.argv[1]), Path(sys.argv[2]))
    else:
        main(DEFAULT / "linker_holdout_cases.jsonl", DEFAULT / "linker_holdout_offers.json")

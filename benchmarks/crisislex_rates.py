"""How often offer words in disaster tweets get a link (CrisisLex T26), related vs unrelated.

usage: python benchmarks/crisislex_rates.py [DATA_DIR]   (default benchmarks/data, see SOURCES.md)
Prints, for tweets that contain an offer word, the share that got at least one link.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

from linker import Linker, load_offers

HERE = Path(__file__).resolve().parent


def trained_on(event: str) -> bool:
    """The context model learns from the events whose name's SHA-256 is even (see SOURCES.md)."""
    return int(hashlib.sha256(event.encode()).hexdigest(), 16) % 2 == 0


def main(data: Path) -> None:
    linker = Linker(load_offers(HERE / "data" / "crisis_offers.json"))
    with gzip.open(data / "crisislex-t26-labeled.jsonl.gz", "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    counts: Counter = Counter()
    examples: dict[str, list[str]] = {"related": [], "unrelated": []}
    for row in rows:
        label = row["informativeness"]
        group = "related" if label.startswith("Related") else "unrelated" if label == "Not related" else None
        if group is None:
            continue
        result = linker.scan(row["text"], lang="en")
        if not result.links and not result.blocked:
            continue  # no offer word in this tweet
        unseen = not trained_on(row["event"])
        counts[group, "with offer word"] += 1
        counts[group, "unseen", "with offer word"] += unseen
        if result.links:
            counts[group, "linked"] += 1
            counts[group, "unseen", "linked"] += unseen
            if len(examples[group]) < 8:
                examples[group].append(row["text"][:140])
    print("| tweets (with an offer word) | count | linked | link rate |")
    print("|---|---:|---:|---:|")
    for group in ("related", "unrelated"):
        total, linked = counts[group, "with offer word"], counts[group, "linked"]
        print(f"| {group} to the disaster | {total} | {linked} | {linked / max(total, 1):.1%} |")
        total, linked = counts[group, "unseen", "with offer word"], counts[group, "unseen", "linked"]
        label = f"{group}, events the context model never saw"
        print(f"| {label} | {total} | {linked} | {linked / max(total, 1):.1%} |")
    for group, texts in examples.items():
        print(f"\nlinked {group} examples:")
        for text in texts:
            print("  -", text.replace("\n", " "))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "data")

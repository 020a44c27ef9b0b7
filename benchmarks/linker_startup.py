"""Only the start-up part of the linker bench: import + Linker build with 1,000 offers + the first
result in each of en/pl/cs/ru, in fresh interpreters (`linker_bench.startup_probe`), best of N.

usage: python benchmarks/linker_startup.py [RUNS]   (default 3, as the bench)

The whole bench takes minutes; this takes seconds, for work on start-up. Offers are the bench's
(`make_offers`: 250 frequent corpus words per language), written to .bench/ as the bench does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from linker_bench import STARTUP_KEYS, load_corpus, make_offers, startup_probe  # noqa: E402


def main(runs: int) -> None:
    """Print the best of `runs` start-ups (by wall time) and every run's figures."""
    work = (HERE / ".." / ".bench").resolve()
    work.mkdir(exist_ok=True)
    offers = work / "offers-1k.json"
    offers.write_text(json.dumps(make_offers(load_corpus(HERE / "data"), 250)))
    probes = [startup_probe(offers, None) for _run in range(runs)]
    for probe in probes:
        print(json.dumps({key: round(value, 3) for key, value in probe.items() if key != "build_10k"}))
    best = min(probes, key=lambda probe: probe["startup"])
    parts = ", ".join(f"{key} {best[key]:.2f} s" for key in STARTUP_KEYS)
    print(f"best of {runs}: {parts}, {best['startup_mb']:.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)

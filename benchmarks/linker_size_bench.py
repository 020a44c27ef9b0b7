"""Linker size benchmark: scan time per MB must not grow with the document's size.

usage: python benchmarks/linker_size_bench.py [MB ...]      (default: 1 2 5 10)

Documents are generated help-like text (tests/data offers, sentences of a how-to guide) as
plain text and as HTML (headings, paragraphs, lists, inline markup, links), plus a dense
case (a tenth of the size) where every sentence mentions an offer that the negation check
refuses, so every mention is analysed. Time per MB should stay constant (max/min within 20 %): every stage
is linear. Figures are printed, never asserted.
"""

from __future__ import annotations

import itertools
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from linker import Linker, load_offers  # noqa: E402

SUBJECTS = ["the filter", "the door seal", "the drum", "the cable", "the display", "the battery", "the hose"]
VERBS = ["Clean", "Check", "Replace", "Dry", "Inspect", "Reset", "Tighten", "Update"]
TAILS = [
    "every month.",
    "before you start a new programme.",
    "when the light blinks twice.",
    "with a soft, dry cloth.",
    "as shown in the manual.",
    "if the device does not start.",
]
DENSE_SHARE = 10  # the dense case is a tenth of the size: ~28,000 analysed mentions per MB
NEGATED = "You do not need an extended warranty for this."
MENTION = "Your washing machine will thank you."


def sentences(seed: int = 7):
    """An endless stream of how-to sentences."""
    rng = random.Random(seed)
    while True:
        yield f"{rng.choice(VERBS)} {rng.choice(SUBJECTS)} {rng.choice(TAILS)}"


def paragraphs(size: int, dense: bool = False) -> list[str]:
    """Paragraphs of about `size` characters in all; `dense`: each sentence mentions an offer."""
    out, total, stream = [], 0, sentences()
    for number in itertools.count():
        if dense:
            body = " ".join([NEGATED] * 8)
        else:
            body = " ".join(next(stream) for _ in range(6))
            if number % 7 == 3:
                body += " " + NEGATED
            if number == 50:
                body += " " + MENTION
        out.append(body)
        total += len(body) + 2
        if total >= size:
            return out


def as_text(paras: list[str]) -> str:
    return "\n\n".join(paras)


def as_html(paras: list[str]) -> str:
    parts = []
    for number, body in enumerate(paras):
        if number % 10 == 0:
            parts.append(f"<h2>Step {number // 10 + 1}</h2>")
        if number % 5 == 4:
            first, _, rest = body.partition(". ")
            parts.append(f"<ul><li>{first}.</li><li>{rest}</li></ul>")
        else:
            words = body.split(" ")
            words[2] = f"<b>{words[2]}</b>"
            words[-1] = f'<a href="/kb/{number}">{words[-1]}</a>'
            parts.append(f"<p>{' '.join(words)}</p>")
    return "\n".join(parts)


ROUNDS = 3  # sizes are timed in turn, round after round: a change of load hits every size alike
WORK_MB = 10  # per round, each size is scanned about this many MB (small documents more often)
KINDS = ("text", "html", "dense")


def repeats_for(mb: float) -> int:
    return max(1, round(WORK_MB / mb))


def cpu_time(function, *args, **kwargs) -> float:
    """CPU time of one call: unlike wall time, it does not count the moments another process
    held the core."""
    started = time.process_time()
    function(*args, **kwargs)
    return time.process_time() - started


def documents(mb: float) -> dict[str, str]:
    size = int(mb * 1_000_000)
    paras = paragraphs(size)
    return {
        "text": as_text(paras),
        "html": as_html(paras),
        "dense": as_text(paragraphs(size // DENSE_SHARE, True)),
    }


def main(sizes: list[float]) -> None:
    linker = Linker(load_offers(ROOT / "tests" / "data" / "offers.json"), languages=["en"])
    linker.scan("Warm up the washing machine.", lang="en")
    scanners = {"text": linker.scan, "html": linker.scan_html, "dense": linker.scan}
    docs = {mb: documents(mb) for mb in sizes}
    best = {(mb, kind): float("inf") for mb in sizes for kind in KINDS}
    for _round in range(ROUNDS):
        for mb in sizes:
            for kind in KINDS:
                for _ in range(repeats_for(mb)):
                    seconds = cpu_time(scanners[kind], docs[mb][kind], lang="en")
                    best[mb, kind] = min(best[mb, kind], seconds)
    print(f"Linker size benchmark (en, tests/data/offers.json; best CPU time of {ROUNDS} interleaved rounds)")
    print()
    print(f"(dense mentions: documents of 1/{DENSE_SHARE} of the size, every sentence a refused mention)")
    print()
    print("| MB | text s | text s/MB | HTML s | HTML s/MB | dense mentions s | dense s/MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    per_mb: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for mb in sizes:
        cells = []
        for kind in KINDS:
            rate = best[mb, kind] / (len(docs[mb][kind].encode()) / 1_000_000)
            per_mb[kind].append(rate)
            cells += [f"{best[mb, kind]:.2f}", f"{rate:.3f}"]
        print(f"| {mb:g} | " + " | ".join(cells) + " |")
    print()
    for kind, rates in per_mb.items():
        print(f"{kind}: time per MB max/min = {max(rates) / min(rates):.2f} (goal: at most 1.20)")


if __name__ == "__main__":
    main([float(a) for a in sys.argv[1:]] or [1, 2, 5, 10])

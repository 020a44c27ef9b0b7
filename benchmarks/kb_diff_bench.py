"""Review diff timings for the worst shapes an editor can save (figures printed, never asserted).

usage: python benchmarks/kb_diff_bench.py
"""

from __future__ import annotations

import random
import time

from knowledge_base.workflow import MAX_BODY_BYTES, MAX_DIFF_WORK, diff_lines


def shapes() -> dict[str, tuple[str, str]]:
    """Old and new texts: pathological for ndiff, worst for difflib within and beyond the budget."""
    rng = random.Random(7)
    one_char = [f"{i:04d} lorem ipsum dolor sit amet consectetur adipiscing" for i in range(400)]
    side = int(MAX_DIFF_WORK**0.5)
    swapped = [f"line {i} of many" for i in range(side)]
    big = [str(rng.randrange(10**6)) for _ in range(MAX_BODY_BYTES // 8)]
    return {
        "400 lines, one char each": ("\n".join(one_char), "\n".join(x[:-2] + "X" + x[-1:] for x in one_char)),
        f"{side} swapped line pairs (budget)": (
            "\n".join(swapped),
            "\n".join(swapped[i ^ 1] for i in range(side)),
        ),
        "200 KB shuffled (too large)": ("\n".join(big), "\n".join(rng.sample(big, len(big)))),
        "200 KB, one line changed": ("\n".join(big), "\n".join(big[:100] + ["changed"] + big[101:])),
    }


def main() -> None:
    print(f"{'shape':40} {'ms':>8} {'work':>12} result")
    for name, (old, new) in shapes().items():
        start = time.perf_counter()
        result = diff_lines(old, new)
        elapsed = (time.perf_counter() - start) * 1000
        outcome = "too large" if result.too_large else f"{len(result.lines)} lines"
        print(f"{name:40} {elapsed:8.1f} {result.work:12,} {outcome}")


if __name__ == "__main__":
    main()

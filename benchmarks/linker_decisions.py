"""Digests of every decision the linker makes, to prove that a speed change changed none of them.

usage: python benchmarks/linker_decisions.py [OUT.json]

Run it before and after a change that must not change behaviour (a faster path, a cache): the
digests must be equal. Each digest covers the links and the blocked candidates with all their
reasons (code, kind, words, parameters, check, text), warnings and the linked HTML, on the
benchmark corpus (text, and HTML for its first 300 articles), the development cases, the test
cases and the held-out cases, plus the context model's probabilities on every seventh sentence
of its corpus. With OUT.json the full decisions are written too, for a diff. A change meant to
change decisions (a retrained model, a new check) changes the digests: that is expected.
"""

from __future__ import annotations

import hashlib
import html
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # this tree's linker
sys.path.insert(0, str(HERE))

CASE_SETS = {
    "dev": ("tests/data/linker_dev.jsonl", "tests/data/linker_dev_offers.json"),
    "cases": ("tests/data/linker_cases.jsonl", "tests/data/offers.json"),
    "holdout": (
        "benchmarks/data/linker_holdout/linker_holdout_cases.jsonl",
        "benchmarks/data/linker_holdout/linker_holdout_offers.json",
    ),
}


def decisions(result) -> dict:
    """A scan result as plain data."""
    return {
        "links": [
            (link.offer, link.start, link.end, link.text, [r.text for r in link.reasons])
            for link in result.links
        ],
        "blocked": [
            (
                b.offer,
                b.start,
                b.end,
                b.text,
                [(r.code, r.kind, list(r.words), r.params, r.check, r.text) for r in b.reasons],
            )
            for b in result.blocked
        ],
        "warnings": list(result.warnings),
        "html": result.html,
    }


def as_html(text: str) -> str:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))
    return f"<h1>Article</h1>{paragraphs}"


def collect() -> dict[str, list]:
    from linker_bench import load_corpus, make_offers

    from linker import Linker, load_offers
    from linker.context import context_model, featurize_text
    from linker.context.corpus import corpus_files, read_corpus

    out: dict[str, list] = {}
    docs = load_corpus(HERE / "data")
    linker = Linker(make_offers(docs, 250))
    out["bench text"] = [decisions(linker.scan(text, lang=lang)) for lang, text in docs]
    out["bench html"] = [decisions(linker.scan_html(as_html(text), lang=lang)) for lang, text in docs[:300]]
    for name, (cases_path, offers_path) in CASE_SETS.items():
        linker = Linker(load_offers(ROOT / offers_path))
        cases = [
            json.loads(line) for line in (ROOT / cases_path).read_text("utf-8").splitlines() if line.strip()
        ]
        out[name] = [
            decisions(
                linker.scan_html(case["html"], lang=case["lang"])
                if "html" in case
                else linker.scan(case["text"], lang=case.get("lang"), title=case.get("title", ""))
            )
            for case in cases
        ]
    model = context_model()
    out["model probabilities"] = [
        list(model.predict(featurize_text(e.text, e.lang, model.bits)).probabilities.values())
        for e in read_corpus(corpus_files())[::7]
    ]
    return out


def main(out_path: Path | None) -> None:
    found = collect()
    print("| set | items | digest |")
    print("|---|---:|---|")
    for name, items in found.items():
        digest = hashlib.sha256(json.dumps(items, sort_keys=True, default=str).encode()).hexdigest()[:16]
        print(f"| {name} | {len(items)} | {digest} |")
    if out_path is not None:
        out_path.write_text(json.dumps(found, sort_keys=True, default=str, ensure_ascii=False))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)

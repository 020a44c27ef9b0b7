"""Search benchmark: Whoosh (our backend) against SQLite FTS5 on the same generated corpus.

usage: python benchmarks/search_bench.py [DATA_DIR]   (KB_BENCH_SIZES=10000,100000 by default)
DATA_DIR defaults to benchmarks/data (vendored copies, see SOURCES.md).

Articles are generated from the sentences of the public help corpora in DATA_DIR/kb
(en/pl/cs/ru); queries are those corpora's own queries. Figures are printed, never asserted.
"""

from __future__ import annotations

import os
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from knowledge_base.search import SearchDocument
from knowledge_base.search.analysis import WORD
from knowledge_base.search.whoosh import WhooshBackend

HERE = Path(__file__).resolve().parent
SENTENCE = re.compile(r"(?<=[.!?])\s+")


def load_sentences(data: Path) -> dict[str, list[str]]:
    by_lang: dict[str, list[str]] = {}
    for path in (data / "kb").glob("*/articles/*.md"):
        _, front, body = path.read_text("utf-8").split("---", 2)
        lang = re.search(r"^locale:\s*(\w+)", front, re.M).group(1)
        text = re.sub(r"[#*_`>|-]", " ", body)
        by_lang.setdefault(lang, []).extend(s.strip() for s in SENTENCE.split(text) if len(s.split()) > 3)
    return by_lang


def generate(sentences: dict[str, list[str]], count: int, seed: int = 7) -> list[SearchDocument]:
    rng = random.Random(seed)
    langs = sorted(sentences)
    docs = []
    for number in range(1, count + 1):
        lang = langs[number % len(langs)]
        pool = sentences[lang]
        title = " ".join(rng.choice(pool).split()[:8])
        body = " ".join(rng.choice(pool) for _ in range(rng.randint(5, 15)))
        docs.append(SearchDocument(number, f"a{number}", lang, title, body, (), f"c{number % 20}"))
    return docs


def load_queries(data: Path, limit: int = 300) -> list[tuple[str, str]]:
    queries = []
    for path in (data / "kb").glob("*/queries.tsv"):
        for line in path.read_text("utf-8").splitlines()[1:]:
            parts = line.split("\t")
            if len(parts) >= 2:
                queries.append((parts[0], parts[1]))
    random.Random(3).shuffle(queries)
    return queries[:limit]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def bench_whoosh(docs, queries, folder: Path) -> dict:
    backend = WhooshBackend(folder)
    started = time.perf_counter()
    for start in range(0, len(docs), 20_000):
        backend.index(docs[start : start + 20_000])
    build = time.perf_counter() - started
    times = []
    for lang, query in queries:
        t = time.perf_counter()
        backend.search(query, lang)
        times.append(time.perf_counter() - t)
    return {"rate": len(docs) / build, "p50": statistics.median(times), "p99": percentile(times, 0.99)}


def bench_fts5(docs, queries, path: Path) -> dict:
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE kb USING fts5(title, body, locale UNINDEXED, tokenize='unicode61')")
    started = time.perf_counter()
    db.executemany(
        "INSERT INTO kb (rowid, title, body, locale) VALUES (?, ?, ?, ?)",
        [(d.article_id, d.title, d.body_text, d.locale) for d in docs],
    )
    db.commit()
    build = time.perf_counter() - started
    times = []
    for lang, query in queries:
        words = [w for w in WORD.findall(query.lower())][:12]
        if not words:
            continue
        match = " OR ".join('"' + w.replace('"', "") + '"' for w in words)
        t = time.perf_counter()
        db.execute(
            "SELECT rowid, snippet(kb, 1, '<mark>', '</mark>', '…', 20) FROM kb WHERE kb MATCH ? "
            "AND locale = ? ORDER BY bm25(kb, 3.0, 1.0) LIMIT 10",
            (match, lang),
        ).fetchall()
        times.append(time.perf_counter() - t)
    db.close()
    return {"rate": len(docs) / build, "p50": statistics.median(times), "p99": percentile(times, 0.99)}


def main(data: Path) -> None:
    sizes = [int(s) for s in os.environ.get("KB_BENCH_SIZES", "10000,100000").split(",")]
    sentences = load_sentences(data)
    queries = load_queries(data)
    print(f"Search benchmark: {len(queries)} queries (en/pl/cs/ru) from the public help corpora")
    print()
    print("| articles | engine | index build (articles/s) | query p50 (ms) | query p99 (ms) |")
    print("|---:|---|---:|---:|---:|")
    for size in sizes:
        docs = generate(sentences, size)
        with tempfile.TemporaryDirectory() as tmp:
            whoosh = bench_whoosh(docs, queries, Path(tmp) / "whoosh")
            fts5 = bench_fts5(docs, queries, Path(tmp) / "fts5.db")
        for name, row in (("Whoosh (lemmas, fuzzy)", whoosh), ("SQLite FTS5", fts5)):
            p50, p99 = row["p50"] * 1000, row["p99"] * 1000
            print(f"| {size:,} | {name} | {row['rate']:,.0f} | {p50:.1f} | {p99:.1f} |")
        ratio = whoosh["p50"] / fts5["p50"]
        print(f"| {size:,} | Whoosh / FTS5 p50 | | {ratio:.1f}× (goal <= 5× at 100,000) | |")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "data")

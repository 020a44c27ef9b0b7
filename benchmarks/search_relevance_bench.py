"""Search relevance benchmark: top-3 hit rate of our engines against a plain SQLite FTS5 baseline.

usage: python benchmarks/search_relevance_bench.py [DATA_DIR]   (DATA_DIR defaults to benchmarks/data)

Sets (vendored, see SOURCES.md): GNOME help (532 articles in en/pl/cs/ru, each page's summary as
the query), CDC COVID FAQ (human paraphrases of its questions) and our own everyday-language
queries on GNOME help (`gnome-help/everyday.tsv`, a dev half tuned on and a held-out half only
measured), plus 160 everyday queries by a writer who saw neither the search code nor those sets
(`gnome-help/everyday_holdout.tsv`, never tuned on). Engines: the Whoosh backend, the PostgreSQL
backend (in a temporary database, when PostgreSQL answers at KB_BENCH_DATABASE_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/postgres)
and the baseline: SQLite FTS5, plain BM25, OR of the query's words, no stemming.
Figures are printed, never asserted.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from knowledge_base.importer import search_documents
from knowledge_base.search import SearchDocument
from knowledge_base.search.analysis import WORD
from knowledge_base.search.whoosh import WhooshBackend

HERE = Path(__file__).resolve().parent
TOP = 3
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
#: A query set: (name, corpus folder, rows of (lang, query, expected slugs)).
QuerySet = tuple[str, str, list[tuple[str, str, set[str]]]]
Engine = Callable[[str, str], list[str]]


def load_documents(folder: Path) -> list[SearchDocument]:
    """The articles of one vendored corpus, as the portal would index them."""
    return search_documents(sorted((folder / "articles").glob("*.md")))


def load_queries(path: Path, split: str = "") -> list[tuple[str, str, set[str]]]:
    """Rows of a queries file: lang, query, expected slug(s) separated by commas[, split]."""
    rows = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if split and (len(parts) < 4 or parts[3].strip() != split):
            continue
        rows.append((parts[0], parts[1], {s.strip() for s in parts[2].split(",")}))
    return rows


def query_sets(data: Path) -> list[QuerySet]:
    gnome, cdc = data / "kb" / "gnome-help", data / "kb" / "cdc-covid-faq"
    return [
        ("GNOME help (summaries)", "gnome", load_queries(gnome / "queries.tsv")),
        ("CDC FAQ paraphrases", "cdc", load_queries(cdc / "queries.tsv")),
        ("Everyday, dev half", "gnome", load_queries(gnome / "everyday.tsv", "dev")),
        ("Everyday, held-out half", "gnome", load_queries(gnome / "everyday.tsv", "held")),
        ("Everyday, independent writer", "gnome", load_queries(gnome / "everyday_holdout.tsv")),
    ]


@contextmanager
def fts5_engine(docs: list[SearchDocument]) -> Iterator[Engine]:
    """The baseline: FTS5's default tokenizer and BM25, every query word OR-ed."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE kb USING fts5(title, body, slug UNINDEXED, locale UNINDEXED)")
    db.executemany(
        "INSERT INTO kb (title, body, slug, locale) VALUES (?, ?, ?, ?)",
        [(d.title, d.body_text, d.slug, d.locale) for d in docs],
    )

    def search(query: str, lang: str) -> list[str]:
        words = WORD.findall(query.lower())
        if not words:
            return []
        match = " OR ".join('"' + w + '"' for w in words)
        rows = db.execute(
            "SELECT slug FROM kb WHERE kb MATCH ? AND locale = ? ORDER BY bm25(kb) LIMIT ?",
            (match, lang, TOP),
        )
        return [r[0] for r in rows]

    yield search
    db.close()


@contextmanager
def whoosh_engine(docs: list[SearchDocument]) -> Iterator[Engine]:
    with tempfile.TemporaryDirectory() as tmp:
        backend = WhooshBackend(Path(tmp) / "index")
        backend.index(docs)
        yield lambda query, lang: [h.slug for h in backend.search(query, lang, per_page=TOP).hits]
        backend.clear()


@contextmanager
def postgres_engine(docs: list[SearchDocument]) -> Iterator[Engine | None]:
    """The PostgreSQL backend in a database created for this run (None when PostgreSQL is down)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(os.environ.get("KB_BENCH_DATABASE_URL", DEFAULT_PG))
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"kb_relevance_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 (any connection failure means: no PostgreSQL column)
        print(f"(PostgreSQL not reachable: {type(error).__name__}; its column is left out)")
        yield None
        return
    engine = create_engine(url.set(database=name))
    try:
        from knowledge_base.search.postgres import PostgresBackend

        backend = PostgresBackend(engine)
        backend.index(docs)
        yield lambda query, lang: [h.slug for h in backend.search(query, lang, per_page=TOP).hits]
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def hit_rates(engine: Engine, rows: list[tuple[str, str, set[str]]]) -> dict[str, tuple[int, int]]:
    """Per language: (queries whose expected article is in the top 3, queries)."""
    rates: dict[str, tuple[int, int]] = {}
    for lang, query, expected in rows:
        hit = bool(expected & set(engine(query, lang)[:TOP]))
        found, total = rates.get(lang, (0, 0))
        rates[lang] = (found + hit, total + 1)
    return rates


def main(data: Path) -> None:
    corpora = {
        "gnome": load_documents(data / "kb" / "gnome-help"),
        "cdc": load_documents(data / "kb" / "cdc-covid-faq"),
    }
    sets = query_sets(data)
    results: dict[str, dict] = {}
    makers = (("Whoosh", whoosh_engine), ("PostgreSQL", postgres_engine), ("FTS5", fts5_engine))
    for corpus, docs in corpora.items():
        for engine_name, maker in makers:
            with maker(docs) as engine:
                if engine is None:
                    continue
                for set_name, set_corpus, rows in sets:
                    if set_corpus == corpus:
                        results.setdefault(set_name, {})[engine_name] = hit_rates(engine, rows)
    print(f"Search relevance: top-{TOP} hit rate (expected article among the first {TOP})")
    print()
    engines = [name for name, _ in makers if any(name in r for r in results.values())]
    print("| set | lang | queries | " + " | ".join(engines) + " | every Shopkeeper cell ≥ FTS5 |")
    print("|---|---|---:|" + "---:|" * len(engines) + "---|")
    for set_name, _, rows in sets:
        for lang in sorted({r[0] for r in rows}, key=["en", "pl", "cs", "ru"].index):
            cells = {e: results[set_name][e][lang] for e in engines}
            rate = {e: found / total for e, (found, total) in cells.items()}
            ok = all(rate[e] >= rate["FTS5"] for e in engines if e != "FTS5")
            shown = " | ".join(f"{rate[e]:.2f}" for e in engines)
            print(f"| {set_name} | {lang} | {cells['FTS5'][1]} | {shown} | {'yes' if ok else 'NO'} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "data")

"""Customer classification benchmark: generated customers with ERP orders, classified in SQL batches.

usage: python benchmarks/classify_bench.py [--database-url URL] [--sizes 100000,1000000]
       (or PORTAL_BENCH_DATABASE_URL; default: a temporary SQLite file)

With a PostgreSQL URL the benchmark makes its own scratch database on that server and drops it
afterwards. Each size: generate N customers and N order totals (skewed values) with SQL, then
run the same code as `portal customers classify` (batches of 50,000 ids, a commit per batch).
The baseline, measured in the same run on the smallest size, is the obvious Python approach
(load every value, sort, cumulate, write each class back); figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from knowledge_base.db import utcnow  # noqa: E402
from portal import create_app, migrate  # noqa: E402

#: A skewed order value in cents: the cube of a pseudo-random 1..1000, divided by 1000.
_DRAW = "((CAST(id AS BIGINT) * 7919) % 1000 + 1)"
CUBE = f"{_DRAW} * {_DRAW} * {_DRAW} / 1000"
USERS_COLUMNS = (
    "email, name, password_hash, role, locale, is_active, kb_editor, marketing_consent, notify_by_email, "
    "segment, security_stamp, created_at, updated_at"
)


@contextmanager
def database(url: str | None):
    """A fresh database: the temporary SQLite file, or a scratch database on URL's PostgreSQL server."""
    if not url or url.startswith("sqlite"):
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.db", folder
        return
    name = f"classify_bench_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        with tempfile.TemporaryDirectory() as folder:
            yield make_url(url).set(database=name).render_as_string(hide_password=False), folder
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def generate(engine, count: int) -> None:
    """`count` customers and one order each, in SQL (values skewed: the cube of a uniform)."""
    now = utcnow().isoformat(sep=" ")
    ordered = (date.today() - timedelta(days=10)).isoformat()
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM customer_values"))
        conn.execute(text("DELETE FROM order_totals"))
        conn.execute(text("DELETE FROM users"))
        if engine.dialect.name == "postgresql":
            numbers = "SELECT i FROM generate_series(1, :n) AS g(i)"
            prefix, source = "", f"({numbers}) AS n"
        else:
            prefix = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :n) "
            source = "n"
        conn.execute(
            text(
                f"{prefix}INSERT INTO users ({USERS_COLUMNS}) "
                f"SELECT 'c' || i || '@example.com', 'Customer ' || i, 'x', 'customer', 'en', true, false, "
                f"false, true, 'standard', 'stamp', '{now}', '{now}' FROM {source}"
            ),
            {"n": count},
        )
        conn.execute(
            text(
                "INSERT INTO order_totals (order_ref, user_id, total_cents, ordered_on, imported_at) "
                f"SELECT 'O-' || id, id, {CUBE}, "
                f"'{ordered}', '{now}' FROM users"
            )
        )


def classify_sql(app) -> float:
    """The real command's work: begin, steps of 50,000 ids with a commit each; seconds."""
    from portal.customers import classify

    session = app.extensions["db_sessionmaker"]()
    started = time.perf_counter()
    window = date.today() - timedelta(days=730)
    run = classify.begin(session, "orders", window, "bench", utcnow(), restart=True)
    session.commit()
    while classify.step(session, run, 50_000, "bench", utcnow()):
        session.commit()
    session.commit()
    elapsed = time.perf_counter() - started
    session.close()
    return elapsed


def classify_python(engine) -> float:
    """Baseline: every value into Python, sorted, cumulated, each class written back; seconds."""
    started = time.perf_counter()
    with engine.begin() as conn:
        rows = conn.execute(
            text(
                "SELECT u.id, COALESCE(SUM(o.total_cents), 0) FROM users u "
                "LEFT JOIN order_totals o ON o.user_id = u.id GROUP BY u.id"
            )
        ).all()
        rows.sort(key=lambda r: -r[1])
        total, running, classes, i = sum(v for _, v in rows), 0, [], 0
        while i < len(rows):  # value groups, so ties share a class
            j = i
            while j < len(rows) and rows[j][1] == rows[i][1]:
                j += 1
            label = "A" if running * 100 < total * 80 else "B" if running * 100 < total * 95 else "C"
            label = label if rows[i][1] > 0 else "C"
            classes.extend({"c": label, "u": rows[k][0]} for k in range(i, j))
            running += rows[i][1] * (j - i)
            i = j
        conn.execute(text("UPDATE customer_values SET customer_class = :c WHERE user_id = :u"), classes)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("PORTAL_BENCH_DATABASE_URL"))
    parser.add_argument("--sizes", default=os.environ.get("CLASSIFY_BENCH_SIZES", "100000,1000000"))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with database(args.database_url) as (url, folder):
        app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": folder, "SECRET_KEY": "bench-" + "x" * 40})
        migrate.upgrade(app)
        engine = app.extensions["db_engine"]
        print(f"classification benchmark on {engine.dialect.name}")
        results = {}
        for size in sizes:
            started = time.perf_counter()
            generate(engine, size)
            generated = time.perf_counter() - started
            results[size] = classify_sql(app)
            with engine.connect() as conn:
                counts = dict(
                    conn.execute(
                        text("SELECT customer_class, count(*) FROM customer_values GROUP BY 1")
                    ).all()
                )
            shares = ", ".join(f"{c} {counts.get(c, 0):,}" for c in "ABC")
            print(
                f"  {size:>9,} customers: classified in {results[size]:7.2f} s "
                f"(generated in {generated:.1f} s; {shares})"
            )
            if size == sizes[0]:
                baseline = classify_python(engine)
                print(
                    f"  baseline (Python loop) on {size:,}: {baseline:.2f} s; "
                    f"SQL batches take {results[size] / baseline:.2f}x the baseline's time"
                )
        if len(sizes) > 1:
            small, large = sizes[0], sizes[-1]
            ratio = results[large] / results[small]
            print(
                f"  scaling {small:,} -> {large:,}: {ratio:.1f}x the time, {large / small:.0f}x the customers"
            )
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())

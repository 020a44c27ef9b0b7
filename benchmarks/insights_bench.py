"""Service-insights dashboard at scale: 10,000 and 1,000,000 generated requests in PostgreSQL.

usage: python benchmarks/insights_bench.py [--sizes 10000,1000000]

Needs a PostgreSQL server: PORTAL_BENCH_DATABASE_URL, else PORTAL_TEST_DATABASE_URL, else
postgresql+psycopg://postgres@127.0.0.1:5432/postgres. For each size it creates a scratch
database, migrates it, bulk-loads requests over two years with their status events (COPY via
psycopg), plus request-form deflection events and knowledge-base searches, then times the
dashboard's queries and the whole page through the in-process Flask test client, and drops the
database. Figures are printed, never asserted; the last column is the ratio to the smallest size.
Without a reachable server it prints why and exits 0.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402  (installed with spaCy)
import psycopg  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SPAN_DAYS = 730
AGENTS = 20
CUSTOMERS = 5000
CHANNELS = ("web",) * 12 + ("email",) * 5 + ("phone",) * 2 + ("counter", "api")
PRIORITIES = ("low", "normal", "normal", "normal", "high", "urgent")
TARGET_HOURS = {"low": (48, 240), "normal": (24, 120), "high": (4, 48), "urgent": (1, 8)}
REPEATS = 3
CHUNK = 100_000
REQUEST_COLUMNS = (
    "id, reference, customer_id, subject, description, category_id, product_id, priority, status, "
    "assignee_id, first_response_due, resolution_due, first_responded_at, resolved_at, closed_at, rating, "
    "created_at, updated_at, version, channel, first_response_minutes, resolution_minutes"
)


def server_url() -> str:
    return (
        os.environ.get("PORTAL_BENCH_DATABASE_URL")
        or os.environ.get("PORTAL_TEST_DATABASE_URL")
        or DEFAULT_SERVER
    )


@contextmanager
def scratch_database(server: str) -> Iterator[str]:
    """A new empty database on `server`, dropped afterwards."""
    name = f"insights_bench_{secrets.token_hex(4)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _copy(
    conn: psycopg.Connection, table: str, columns: str, lines: Iterator[str], batch: int = 20000
) -> int:
    """COPY text lines (tab-separated, \\N for NULL) into `table`, sent in chunks."""
    count = 0
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        chunk: list[str] = []
        for line in lines:
            chunk.append(line)
            if len(chunk) >= batch:
                copy.write("".join(chunk))
                count += len(chunk)
                chunk = []
        if chunk:
            copy.write("".join(chunk))
            count += len(chunk)
    return count


def _line(*cells: object) -> str:
    return "\t".join(str(c) for c in cells) + "\n"


def _users(now: datetime) -> Iterator[str]:
    stamp = now.isoformat()
    people = [("admin@bench.example", "Admin", "admin")]
    people += [(f"agent{i}@bench.example", f"Agent {i}", "agent") for i in range(AGENTS)]
    people += [(f"c{i}@bench.example", f"Customer {i}", "customer") for i in range(CUSTOMERS)]
    for uid, (email, name, role) in enumerate(people, start=1):
        yield _line(uid, email, name, "x", role, "\\N", "t", "f", "f", "standard", f"s{uid}", stamp, stamp)


def _stamps(seconds: np.ndarray) -> np.ndarray:
    """Epoch seconds (NaN for none) as COPY text: ISO 8601 in UTC, or \\N."""
    text = np.datetime_as_string(np.nan_to_num(seconds).astype("datetime64[s]"), timezone="UTC")
    return np.where(np.isnan(seconds), "\\N", text)


def _minutes(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Minutes from `start` to `end` (epoch seconds; NaN for none) as COPY text."""
    minutes = (end - start) / 60
    return np.where(np.isnan(minutes), "\\N", np.char.mod("%.3f", np.nan_to_num(minutes)))


def _chunk(
    first_id: int, count: int, size: int, now: float, rng: np.random.Generator
) -> tuple[list[str], list[list]]:
    """COPY lines for `count` requests from id `first_id`, and their events as column arrays.

    Vectorised with numpy: generating a million rows one by one in Python took minutes.
    """
    ids = np.arange(first_id, first_id + count)
    # ids follow creation time, as in a real table (rows are inserted as requests arrive)
    step = SPAN_DAYS * 86400 / size
    created = now - SPAN_DAYS * 86400 + ((ids - 1) + rng.random(count)) * step
    priority = rng.integers(0, len(PRIORITIES), count)
    first_h = np.array([TARGET_HOURS[p][0] for p in PRIORITIES])[priority]
    res_h = np.array([TARGET_HOURS[p][1] for p in PRIORITIES])[priority]
    first = created + rng.lognormal(1.2, 1.0, count) * 3600
    resolved = first + rng.lognormal(3.0, 1.1, count) * 3600
    unanswered = first > now
    unresolved = unanswered | (resolved > now) | (rng.random(count) < 0.01)
    first[unanswered], resolved[unresolved] = np.nan, np.nan
    closed = np.where(resolved + 7 * 86400 < now, resolved + 7 * 86400, np.nan)
    status = np.where(
        unanswered, "new", np.where(unresolved, "open", np.where(np.isnan(closed), "resolved", "closed"))
    )
    rated = ~np.isnan(resolved) & (rng.random(count) < 0.4)
    rating = np.where(
        rated, rng.choice(np.arange(1, 6), count, p=[0.05, 0.07, 0.15, 0.33, 0.40]).astype(str), "\\N"
    )
    assignee = np.where(rng.random(count) < 0.9, rng.integers(2, 2 + AGENTS, count).astype(str), "\\N")
    created_text = _stamps(created)
    columns = [
        ids.astype(str),
        np.char.add("SR-B-", ids.astype(str)),
        rng.integers(2 + AGENTS, 2 + AGENTS + CUSTOMERS, count).astype(str),
        np.full(count, "Bench request"),
        np.full(count, "Generated."),
        rng.integers(1, 9, count).astype(str),
        rng.integers(1, 13, count).astype(str),
        np.array(PRIORITIES)[priority],
        status,
        assignee,
        _stamps(created + first_h * 3600),
        _stamps(created + res_h * 3600),
        _stamps(first),
        _stamps(resolved),
        _stamps(closed),
        rating,
        created_text,
        created_text,
        np.full(count, "1"),
        np.array(CHANNELS)[rng.integers(0, len(CHANNELS), count)],
        _minutes(created, first),  # round the clock: the bench's policies have no calendar
        _minutes(created, resolved),
    ]
    lines = ["\t".join(row) + "\n" for row in zip(*(c.tolist() for c in columns), strict=True)]
    done = ~np.isnan(resolved)
    reopened = done & (rng.random(count) < 0.05)
    events = [
        (ids, created, "created", "\\N", "new"),
        (ids[~unanswered], first[~unanswered], "status", "new", "open"),
        (ids[done], resolved[done], "status", "open", "resolved"),
        (ids[reopened], resolved[reopened] + 5 * 3600, "status", "resolved", "open"),
        (ids[reopened], resolved[reopened] + 9 * 3600, "status", "open", "resolved"),
        (ids[~np.isnan(closed)], closed[~np.isnan(closed)], "status", "resolved", "closed"),
    ]
    return lines, events


def _event_lines(first_id: int, events: list) -> list[str]:
    lines, next_id = [], first_id
    for request_ids, moments, kind, old, new in events:
        tail = f"\t\\N\t{kind}\t{old}\t{new}\t"
        for rid, when in zip(request_ids.tolist(), _stamps(moments).tolist(), strict=True):
            lines.append(f"{next_id}\t{rid}{tail}{when}\n")
            next_id += 1
    return lines


def _kb_lines(size: int, now: datetime, rng: random.Random) -> tuple[list[str], list[str]]:
    """Deflection events and search-log lines, about a third as many forms and searches as requests."""
    deflections, searches = [], []
    start = now - timedelta(days=SPAN_DAYS)
    did = 0
    for form in range(max(1, size // 3)):
        moment = (start + timedelta(seconds=rng.uniform(0, SPAN_DAYS * 86400))).isoformat()
        did += 1
        deflections.append(f"{did}\tf{form}\topened\t\\N\t{moment}\n")
        if rng.random() < 0.5:
            did += 1
            deflections.append(f"{did}\tf{form}\tsubmitted\t\\N\t{moment}\n")
    for sid in range(1, max(2, size // 3)):
        moment = (start + timedelta(seconds=rng.uniform(0, SPAN_DAYS * 86400))).isoformat()
        results = 0 if rng.random() < 0.2 else rng.randint(1, 9)
        searches.append(f"{sid}\tquery {rng.randrange(500)}\ten\t{results}\t{moment}\n")
    return deflections, searches


def _drop_indexes(conn: psycopg.Connection, tables: tuple[str, ...]) -> list[str]:
    """Drop the secondary (ix_*) indexes of `tables`; their CREATE statements, to run after the load.

    Building an index once after COPY is several times faster than keeping it up to date row by row.
    """
    rows = conn.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname LIKE 'ix\\_%%'",
        (list(tables),),
    ).fetchall()
    for name, _definition in rows:
        conn.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in rows]


def load(url: str, size: int, now: datetime) -> dict[str, float]:
    """Bulk-load the generated data into the migrated database at `url`; seconds per step."""
    rng = random.Random(size)
    timings = {}
    raw = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(raw) as conn:
        with conn.cursor() as cur:
            cur.execute(
                "INSERT INTO categories (id, slug, name) "
                "SELECT i, 'c' || i, 'Category ' || i FROM generate_series(1, 8) i"
            )
            cur.execute(
                "INSERT INTO products (id, sku, name, kind) SELECT i, 'P-' || i, 'Product ' || i, 'kind' "
                "FROM generate_series(1, 12) i"
            )
        _copy(
            conn,
            "users",
            "id, email, name, password_hash, role, locale, is_active, kb_editor, marketing_consent, segment, "
            "security_stamp, created_at, updated_at",
            _users(now),
        )
        started = time.perf_counter()
        rebuild = _drop_indexes(conn, ("service_requests", "request_events"))
        generator, epoch, events_made = np.random.default_rng(size), now.timestamp(), 0
        for first_id in range(1, size + 1, CHUNK):
            lines, events = _chunk(first_id, min(CHUNK, size + 1 - first_id), size, epoch, generator)
            _copy(conn, "service_requests", REQUEST_COLUMNS, iter(lines))
            events_made += _copy(
                conn,
                "request_events",
                "id, request_id, actor_id, kind, from_value, to_value, created_at",
                iter(_event_lines(events_made + 1, events)),
            )
        timings["events"] = events_made
        for definition in rebuild:
            conn.execute(definition)
        deflections, searches = _kb_lines(size, now, rng)
        _copy(conn, "deflection_events", "id, form_session, kind, article_id, created_at", iter(deflections))
        _copy(conn, "search_logs", "id, query, locale, results, created_at", iter(searches))
        conn.commit()
        timings["generate_and_copy"] = time.perf_counter() - started
    started = time.perf_counter()
    with psycopg.connect(raw, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    timings["analyze"] = time.perf_counter() - started
    return timings


def best_of(action: Callable[[], object]) -> tuple[float, float]:
    """(best, median) seconds of REPEATS runs after one warm-up run."""
    action()
    runs = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        action()
        runs.append(time.perf_counter() - started)
    return min(runs), statistics.median(runs)


def measure(url: str, now: datetime) -> dict[str, tuple[float, float]]:
    """Time the dashboard's computation and page for a few filter sets."""
    from portal import create_app
    from portal.insights import dashboard
    from portal.insights.filters import InsightFilters
    from portal.models import User

    with tempfile.TemporaryDirectory() as instance:
        app = create_app(
            {
                "TESTING": True,
                "INSTANCE_PATH": instance,
                "DATABASE_URL": url,
                "SECRET_KEY": secrets.token_urlsafe(48),
            }
        )
        session = app.extensions["db_sessionmaker"]()
        admin, agent = session.get(User, 1), session.get(User, 2)
        cases = {
            "build: admin, last 30 days": (admin, {}),
            "build: admin, 30 days, category+channel": (admin, {"category": "3", "channel": "web"}),
            "build: agent (team), 30 days": (agent, {}),
            "build: admin, last 365 days": (admin, {"days": "365"}),
        }
        found = {}
        for name, (user, args) in cases.items():

            def run(user=user, args=args) -> None:
                with app.test_request_context():
                    dashboard.build(session, user, InsightFilters.from_args(args, now), now, "64MB")
                session.rollback()

            found[name] = best_of(run)
        client = app.test_client()
        with client.session_transaction() as browser_session:
            browser_session["_user_id"] = admin.get_id()
            browser_session["_fresh"] = True

        def page(query: str = "") -> None:
            response = client.get("/staff/insights" + query)
            assert response.status_code == 200, response.status_code
            response.get_data()

        found["page /staff/insights (admin, 30 days)"] = best_of(page)
        found["CSV export of the summary"] = best_of(lambda: page("/export.csv?table=summary"))
        session.close()
        app.extensions["db_engine"].dispose()
    return found


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000", help="comma-separated request counts")
    sizes = [int(s) for s in parser.parse_args(argv).sizes.split(",")]
    server = server_url()
    try:
        create_engine(server).connect().close()
    except Exception as exc:  # noqa: BLE001 (any failure to connect means: no server to bench on)
        where = make_url(server).render_as_string()
        print(f"insights bench skipped: no PostgreSQL at {where} ({type(exc).__name__})")
        return 0
    from portal import create_app, migrate

    now = datetime.now(UTC)
    results: dict[int, dict[str, tuple[float, float]]] = {}
    for size in sizes:
        with scratch_database(server) as url, tempfile.TemporaryDirectory() as instance:
            app = create_app(
                {"INSTANCE_PATH": instance, "DATABASE_URL": url, "SECRET_KEY": secrets.token_urlsafe(48)}
            )
            migrate.upgrade(app)
            app.extensions["db_engine"].dispose()
            loaded = load(url, size, now)
            print(
                f"{size:,} requests + {int(loaded['events']):,} events: generated and COPied in "
                f"{loaded['generate_and_copy']:.1f} s, VACUUM ANALYZE {loaded['analyze']:.1f} s"
            )
            results[size] = measure(url, now)
    base = sizes[0]
    print(
        f"\n{'dashboard step':42}"
        + "".join(f"{f'{s:,} best/median ms':>26}" for s in sizes)
        + f"{'ratio':>8}"
    )
    for name in results[base]:
        cells = "".join(
            f"{results[s][name][0] * 1000:14.0f} /{results[s][name][1] * 1000:9.0f}" for s in sizes
        )
        ratio = (
            results[sizes[-1]][name][0] / results[base][name][0] if results[base][name][0] else float("nan")
        )
        print(f"{name:42}{cells}{ratio:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Dialect-aware SQL building blocks: durations, time buckets and percentiles (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Float, Integer, Subquery, cast, extract, func, literal, select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

#: Key used for "no grouping" in the results of grouped aggregates.
ALL = None


def dialect(session: Session) -> str:
    """The database kind behind the session: "sqlite" or "postgresql"."""
    return session.get_bind().dialect.name


def tune_for_reports(session: Session, work_mem: str | None = None) -> None:
    """On PostgreSQL, for the rest of this transaction: no JIT, and `work_mem` for the sorts.

    The dashboard's aggregates are costed high enough to trigger JIT, whose compilation took
    70-90 ms per query in the bench while the queries themselves run in tens of milliseconds;
    percentiles sort a period's durations, which spill to disk under the 4 MB default work_mem.
    """
    if dialect(session) == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
        if work_mem:
            session.execute(select(func.set_config("work_mem", work_mem, True)))


def moment(value: datetime) -> ColumnElement[Any]:
    """A datetime as a typed SQL literal (stored the same way as the columns)."""
    return literal(value, DateTime(timezone=True))


def seconds_between(session: Session, start: Any, end: Any) -> ColumnElement[float]:
    """Seconds from `start` to `end` computed in SQL (julianday on SQLite, epoch on PostgreSQL)."""
    if dialect(session) == "sqlite":
        return cast((func.julianday(end) - func.julianday(start)) * 86400.0, Float)
    return cast(extract("epoch", end - start), Float)


def bucket_index(session: Session, column: Any, origin: datetime, bucket_seconds: int) -> ColumnElement[int]:
    """Which `bucket_seconds`-long slot after `origin` the moment `column` falls in (0, 1, …)."""
    offset = seconds_between(session, moment(origin), column) / bucket_seconds
    if dialect(session) == "sqlite":
        return cast(offset, Integer)  # truncation is floor here: the offsets are never negative
    return cast(func.floor(offset), Integer)


def percentiles(
    session: Session, values: Subquery, names: Sequence[str], fractions: Sequence[float], group: bool = False
) -> dict[Any, dict[str, list[float | None]]]:
    """Nearest-rank percentiles of the columns `names` of `values` (NULLs left out), per column
    `grp` when `group`: {group or ALL: {name: [one value per fraction]}}.

    PostgreSQL computes every `percentile_disc` in one pass; SQLite (no ordered-set aggregates)
    ranks each column with `row_number()` and takes, per fraction p, the first value whose rank
    is at least p × count. Both give the same answer: the smallest value with cumulative share ≥ p.
    """
    keys = [values.c.grp] if group else []
    found: dict[Any, dict[str, list[float | None]]] = {}
    if dialect(session) == "postgresql":
        columns = [func.percentile_disc(p).within_group(values.c[name]) for name in names for p in fractions]
        rows = session.execute(select(*keys, *columns).select_from(values).group_by(*keys)).all()
        for row in rows:
            numbers = [_number(v) for v in row[len(keys) :]]
            found[row[0] if group else ALL] = {
                name: numbers[i * len(fractions) : (i + 1) * len(fractions)] for i, name in enumerate(names)
            }
        return found
    for name in names:
        for key, numbers in _ranked_percentiles(session, values, name, fractions, group).items():
            found.setdefault(key, {})[name] = numbers
    return found


def _ranked_percentiles(
    session: Session, values: Subquery, name: str, fractions: Sequence[float], group: bool
) -> dict[Any, list[float | None]]:
    keys = [values.c.grp] if group else []
    value = values.c[name]
    partition = keys or None
    ranked = (
        select(
            *keys,
            value.label("value"),
            func.row_number().over(partition_by=partition, order_by=value).label("rn"),
            func.count().over(partition_by=partition).label("n"),
        )
        .where(value.is_not(None))
        .subquery()
    )
    columns = [func.min(_at_rank(ranked, p)) for p in fractions]
    ranked_keys = [ranked.c.grp] if group else []
    rows = session.execute(select(*ranked_keys, *columns).group_by(*ranked_keys)).all()
    if not group:
        return {ALL: [_number(v) for v in rows[0]]} if rows else {}
    return {row[0]: [_number(v) for v in row[1:]] for row in rows}


def _at_rank(ranked: Subquery, fraction: float) -> ColumnElement[Any]:
    from sqlalchemy import case

    return case((ranked.c.rn >= ranked.c.n * fraction, ranked.c.value))


def _number(value: Any) -> float | None:
    return None if value is None else float(value)

"""ABC classification by value: A makes the first 80 % of value, B the next 15 %, C the rest.

The work is done by SQL in batches of user ids, so a million customers never pass through Python:

1. *values*: per batch, sum the value sources of each customer and upsert `customer_values`;
2. *thresholds*: one window query — per distinct value, the cumulative sum over value descending —
   gives the smallest value still inside A and inside B;
3. *classes*: per batch, one UPDATE with a CASE on those thresholds.

A customer is in A when the value of everyone strictly ahead of their value group is below 80 % of
the total (so the customer who crosses the line is in A, and equal values always share a class);
B likewise below 95 %; customers without value are C. Every step records its position in
`classification_runs` and the caller commits after each batch, so an interrupted run resumes where
it stopped; a lease keeps two runs (two cron jobs) from working at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, literal, or_, select, update
from sqlalchemy.orm import Session

from portal.customers.value_sources import check_spec, combined
from portal.models import ClassificationRun, CustomerClass, CustomerValue, Role, User

A_SHARE, B_SHARE = 80, 95  # per cent of value, cumulative
LEASE = timedelta(minutes=10)


class RunBusy(RuntimeError):
    """Another classification run holds the lease."""


@dataclass(frozen=True)
class Thresholds:
    """The smallest value (cents) inside A and inside B; None when the class is empty."""

    total_cents: int
    a_min_cents: int | None
    b_min_cents: int | None


def _take_lease(session: Session, run: ClassificationRun, owner: str, now: datetime) -> None:
    """Atomically take or renew the run's lease (compare-and-set); RunBusy if someone else holds it."""
    taken = session.execute(
        update(ClassificationRun)
        .where(
            ClassificationRun.id == run.id,
            (ClassificationRun.lease_owner.is_(None))
            | (ClassificationRun.lease_owner == owner)
            | (ClassificationRun.lease_until < now),
        )
        .values(lease_owner=owner, lease_until=now + LEASE)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        raise RunBusy(f"classification run {run.id} is being worked on by another process")
    session.refresh(run)


def begin(
    session: Session, spec: str, window_start: date, owner: str, now: datetime, *, restart: bool = False
) -> ClassificationRun:
    """Resume the unfinished run (same source, its own window), or start a new one; the caller commits."""
    check_spec(spec)
    unfinished = session.scalar(
        select(ClassificationRun)
        .where(ClassificationRun.phase != "done")
        .order_by(ClassificationRun.id.desc())
    )
    # a resumed run keeps its own window (it may resume the next day); another source starts afresh
    if unfinished is not None and (restart or unfinished.source != spec):
        _take_lease(session, unfinished, owner, now)
        unfinished.phase, unfinished.finished_at = "done", now  # abandoned: superseded by a new run
        unfinished.lease_owner = None
        unfinished = None
    if unfinished is not None:
        _take_lease(session, unfinished, owner, now)
        return unfinished
    max_id = session.scalar(select(func.max(User.id)).where(User.role == Role.CUSTOMER)) or 0
    run = ClassificationRun(
        source=spec,
        window_start=window_start,
        phase="values",
        max_user_id=max_id,
        started_at=now,
        last_user_id=0,
        total_cents=0,
        lease_owner=owner,
        lease_until=now + LEASE,
    )
    session.add(run)
    session.flush()
    return run


def _upsert_values(
    session: Session, run: ClassificationRun, first_id: int, last_id: int, now: datetime
) -> None:
    """One INSERT … ON CONFLICT per batch: each customer's summed sources (correlated index lookups);
    a row whose value did not change is not rewritten (cheap re-runs from cron)."""
    customers = select(
        User.id, combined(run.source, run.window_start, User.id), literal(run.id), literal(now)
    ).where(User.role == Role.CUSTOMER, User.id.between(first_id, last_id))
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(CustomerValue).from_select(
        ["user_id", "value_cents", "run_id", "computed_at"], customers
    )
    statement = statement.on_conflict_do_update(
        index_elements=[CustomerValue.user_id],
        set_={
            "value_cents": statement.excluded.value_cents,
            "run_id": statement.excluded.run_id,
            "computed_at": statement.excluded.computed_at,
        },
        where=CustomerValue.value_cents != statement.excluded.value_cents,
    )
    session.execute(statement)


def thresholds(session: Session) -> Thresholds:
    """The A and B value thresholds, from a cumulative sum over the distinct values, largest first."""
    groups = (
        select(
            CustomerValue.value_cents.label("value"),
            (CustomerValue.value_cents * func.count()).label("group_total"),
        )
        .where(CustomerValue.value_cents > 0)
        .group_by(CustomerValue.value_cents)
        .subquery()
    )
    running = select(
        groups.c.value,
        (
            func.sum(groups.c.group_total).over(order_by=groups.c.value.desc(), rows=(None, 0))
            - groups.c.group_total
        ).label("ahead"),
    ).subquery()
    total = session.scalar(select(func.coalesce(func.sum(groups.c.group_total), 0))) or 0

    def smallest_inside(share: int) -> int | None:
        return session.scalar(select(func.min(running.c.value)).where(running.c.ahead * 100 < total * share))

    return Thresholds(int(total), smallest_inside(A_SHARE), smallest_inside(B_SHARE))


def class_expression(a_min: int | None, b_min: int | None):
    """The SQL CASE giving a value its class under the given thresholds."""
    whens = []
    if a_min is not None:
        whens.append((CustomerValue.value_cents >= a_min, CustomerClass.A.value))
    if b_min is not None:
        whens.append(
            ((CustomerValue.value_cents >= b_min) & (CustomerValue.value_cents > 0), CustomerClass.B.value)
        )
    return case(*whens, else_=CustomerClass.C.value) if whens else literal(CustomerClass.C.value)


def step(session: Session, run: ClassificationRun, batch_size: int, owner: str, now: datetime) -> int:
    """Do one batch of the run's current phase; returns how far the id position moved (0 when done)."""
    _take_lease(session, run, owner, now)
    if run.phase == "values":
        first, last = run.last_user_id + 1, run.last_user_id + batch_size
        _upsert_values(session, run, first, last, now)
        moved = min(last, run.max_user_id) - run.last_user_id
        run.last_user_id = last
        if last >= run.max_user_id:
            found = thresholds(session)
            run.total_cents, run.a_min_cents, run.b_min_cents = (
                found.total_cents,
                found.a_min_cents,
                found.b_min_cents,
            )
            run.phase, run.last_user_id = "classes", 0
        return max(moved, 1)
    if run.phase == "classes":
        first, last = run.last_user_id + 1, run.last_user_id + batch_size
        expression = class_expression(run.a_min_cents, run.b_min_cents)
        session.execute(
            update(CustomerValue)
            .where(
                CustomerValue.user_id.between(first, last),
                # only rows whose class changes are written (NULL: not classified yet)
                or_(CustomerValue.customer_class.is_(None), CustomerValue.customer_class != expression),
            )
            .values(customer_class=expression)
            .execution_options(synchronize_session=False)
        )
        moved = min(last, run.max_user_id) - run.last_user_id
        run.last_user_id = last
        if last >= run.max_user_id:
            run.phase, run.finished_at, run.lease_owner, run.lease_until = "done", now, None, None
        return max(moved, 1)
    return 0


def classify_all(
    session: Session, spec: str, window_start: date, now: datetime, batch_size: int = 50_000
) -> ClassificationRun:
    """Run a whole classification in this session (tests, small installs); the caller commits."""
    run = begin(session, spec, window_start, "inline", now, restart=True)
    while step(session, run, batch_size, "inline", now):
        pass
    return run


def class_counts(session: Session) -> dict[str, tuple[int, int]]:
    """Per class: (customers, value in cents)."""
    rows = session.execute(
        select(
            CustomerValue.customer_class, func.count(), func.coalesce(func.sum(CustomerValue.value_cents), 0)
        ).group_by(CustomerValue.customer_class)
    )
    return {(c.value if c else "-"): (int(n), int(v)) for c, n, v in rows}


def pareto_points(session: Session, buckets: int = 50) -> list[tuple[float, float]]:
    """Points (share of customers, cumulative share of value), both 0..1, for a Pareto chart.

    Customers are ordered by value descending and cut into `buckets` equal groups by a window
    function (ntile); only the buckets' sums leave the database.
    """
    tiles = select(
        CustomerValue.value_cents.label("value"),
        func.ntile(buckets)
        .over(order_by=(CustomerValue.value_cents.desc(), CustomerValue.user_id))
        .label("tile"),
    ).subquery()
    rows = session.execute(
        select(tiles.c.tile, func.count(), func.sum(tiles.c.value))
        .group_by(tiles.c.tile)
        .order_by(tiles.c.tile)
    ).all()
    customers = sum(int(n) for _, n, _ in rows)
    total = sum(int(v or 0) for _, _, v in rows)
    if not customers or not total:
        return []
    points, seen, running = [(0.0, 0.0)], 0, 0
    for _, n, value in rows:
        seen += int(n)
        running += int(value or 0)
        points.append((seen / customers, running / total))
    return points

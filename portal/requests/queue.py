"""The staff queue: filters, sorting and counts."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from portal.cache import cache
from portal.cache_events import REQUESTS, current_generation
from portal.chrome import Memo
from portal.models import Category, Priority, Product, RequestStatus, ServiceRequest, Tag, User, request_tags
from portal.models.requests import OPEN_STATUSES
from portal.pagination import Page, clamp_page, count
from portal.requests.sla import is_overdue, next_overdue_at, overdue_query

#: Seconds a cached count lives at most (overdue counts change with the clock, not only with writes).
COUNT_TTL = 30
#: Longest value of a free-text filter (a SKU or category slug is far shorter).
FILTER_MAX = 100

#: The status filter's values: open ones, every one, or one status.
STATUS_CHOICES = frozenset({"active", "all", *(s.value for s in RequestStatus)})
SORTS = {
    "due": (ServiceRequest.resolution_due.asc(), ServiceRequest.id.asc()),
    "age": (ServiceRequest.created_at.asc(), ServiceRequest.id.asc()),
    "newest": (ServiceRequest.created_at.desc(), ServiceRequest.id.desc()),
}


@dataclass
class QueueFilters:
    """What the agent chose to see."""

    status: str = "active"
    priority: str = ""
    category: str = ""
    product: str = ""
    assignee: str = "any"  # me | unassigned | any
    overdue: bool = False
    tag: str = ""
    sort: str = "due"
    me: int = 0
    error: str | None = None

    @classmethod
    def from_args(cls, args, me: int) -> QueueFilters:
        """The filters from a query string; over-long text filters are dropped with an error."""
        texts = {name: args.get(name, "").strip() for name in ("category", "product", "tag")}
        error = None
        if any(len(value) > FILTER_MAX for value in texts.values()):
            error = _("Filter with at most %(n)d characters.", n=FILTER_MAX)
            texts = {name: "" for name in texts}
        status, priority = args.get("status", "active"), args.get("priority", "")
        return cls(  # unknown choices read as what the query makes of them (bounded cache keys)
            status=status if status in STATUS_CHOICES else "all",
            priority=priority if priority in {p.value for p in Priority} else "",
            category=texts["category"],
            product=texts["product"],
            assignee=args.get("assignee") if args.get("assignee") in ("me", "unassigned") else "any",
            overdue=args.get("overdue") == "1",
            tag=texts["tag"].lower(),
            sort=args.get("sort", "due") if args.get("sort") in SORTS else "due",
            me=me,
            error=error,
        )

    def as_args(self) -> dict[str, str]:
        """The filters as query-string arguments (defaults left out where empty)."""
        out = {
            "status": self.status,
            "priority": self.priority,
            "category": self.category,
            "product": self.product,
            "assignee": self.assignee,
            "tag": self.tag,
            "sort": self.sort,
        }
        if self.overdue:
            out["overdue"] = "1"
        return {k: v for k, v in out.items() if v}


def queue_query(f: QueueFilters, now: datetime) -> Select:
    """The requests matching the filters, sorted."""
    query = overdue_query(now) if f.overdue else select(ServiceRequest)
    if f.status == "active":
        query = query.where(ServiceRequest.status.in_(OPEN_STATUSES))
    elif f.status in {s.value for s in RequestStatus}:
        query = query.where(ServiceRequest.status == RequestStatus(f.status))
    if f.priority in {p.value for p in Priority}:
        query = query.where(ServiceRequest.priority == Priority(f.priority))
    if f.category:
        query = query.join(Category, ServiceRequest.category_id == Category.id).where(
            or_(Category.slug == f.category, Category.parent.has(slug=f.category))
        )
    if f.product:
        query = query.join(Product, ServiceRequest.product_id == Product.id).where(Product.sku == f.product)
    if f.assignee == "me":
        query = query.where(ServiceRequest.assignee_id == f.me)
    elif f.assignee == "unassigned":
        query = query.where(ServiceRequest.assignee_id.is_(None))
    if f.tag:
        query = query.where(ServiceRequest.tags.any(Tag.name == f.tag))
    return query.order_by(*SORTS[f.sort])


def status_counts(session: Session) -> dict[str, int]:
    """How many requests are in each status."""
    rows = session.execute(select(ServiceRequest.status, func.count()).group_by(ServiceRequest.status))
    counts = {s.value: 0 for s in RequestStatus}
    counts.update({status.value: n for status, n in rows})
    return counts


def cached_json(name: str, families: tuple[str, ...], compute: Callable[[], Any]) -> Any:
    """A JSON value kept until a commit changes its families (cache generations) or COUNT_TTL passes
    (in-process caches are per worker; choices made from such lists are checked again on save)."""
    store = cache()
    generations = [current_generation(family) for family in families]
    if None in generations:
        return compute()
    key = f"shopkeeper:queue:{name}:" + ":".join(generations)
    found = store.get(key)
    if found is not None:
        return json.loads(found)
    value = compute()
    store.set(key, json.dumps(value), ttl=COUNT_TTL)
    return value


def cached_status_counts(session: Session) -> dict[str, int]:
    """`status_counts`, from the cache while no request changed.

    Counting by status scans the whole table (~100,000 rows: tens of ms); the cached aggregate
    makes the queue cost the same at any size.
    """
    return cached_json("status-counts", (REQUESTS,), lambda: status_counts(session))


@dataclass(frozen=True)
class QueueRow:
    """What one row of the queue shows: its memoised HTML depends on these values only."""

    id: int
    version: int
    reference: str
    subject: str
    customer: str
    assignee: str | None
    status: RequestStatus
    priority: Priority
    resolution_due: datetime | None
    overdue: bool
    tags: tuple[str, ...]


_CUSTOMER, _ASSIGNEE = aliased(User), aliased(User)
#: A row's tag names joined by commas (a tag name has none), in the row's own statement.
TAG_LIST = (
    select(func.aggregate_strings(Tag.name, ","))
    .select_from(request_tags)
    .join(Tag, Tag.id == request_tags.c.tag_id)
    .where(request_tags.c.request_id == ServiceRequest.id)
    .scalar_subquery()
)
#: The columns a queue row is built from (names as QueueRow's, plus what `is_overdue` reads).
ROW_COLUMNS = (
    ServiceRequest.id,
    ServiceRequest.version,
    ServiceRequest.reference,
    ServiceRequest.subject,
    _CUSTOMER.name.label("customer"),
    _ASSIGNEE.name.label("assignee"),
    ServiceRequest.status,
    ServiceRequest.priority,
    ServiceRequest.resolution_due,
    ServiceRequest.first_response_due,
    ServiceRequest.first_responded_at,
    TAG_LIST.label("tags"),
)


def _row_query(query: Select) -> Select:
    """`query` selecting a row's columns only: no ORM objects, customer and assignee joined in."""
    return (
        query.with_only_columns(*ROW_COLUMNS)
        .join_from(ServiceRequest, _CUSTOMER, ServiceRequest.customer_id == _CUSTOMER.id)
        .outerjoin_from(ServiceRequest, _ASSIGNEE, ServiceRequest.assignee_id == _ASSIGNEE.id)
    )


#: Statement pairs kept per app (distinct filter sets in use; user-typed values make more).
STATEMENTS_LIMIT = 512


def _statements(
    f: QueueFilters, now: datetime, filters_key: str, page: int, per_page: int
) -> tuple[Select, Select]:
    """The queue's query (for its count) and the row query of one page.

    Kept per set of filters, page and app (a statement used again skips SQLAlchemy's cache-key
    walk), except for "overdue only", whose statement holds the current time.
    """

    def build() -> tuple[Select, Select]:
        query = queue_query(f, now)
        return query, _row_query(query).limit(per_page).offset((page - 1) * per_page)

    if f.overdue:
        return build()
    memo = current_app.extensions.get("queue_statements")
    if memo is None:
        memo = current_app.extensions["queue_statements"] = Memo(STATEMENTS_LIMIT)
    return memo.get_or_build((filters_key, page, per_page), build)


@dataclass(frozen=True)
class QueuePage(Page):
    """A page of QueueRows and the first moment one of them turns overdue (None: none will)."""

    changes_at: datetime | None = None


def queue_page(session: Session, f: QueueFilters, now: datetime, page: int, per_page: int = 25) -> QueuePage:
    """One page of the queue as QueueRows (one statement), the total from the cache."""
    filters = json.dumps([f.as_args(), f.me if f.assignee == "me" else 0], sort_keys=True)

    def total_rows() -> int:
        return count(session, _statements(f, now, filters, 1, per_page)[0])

    total = cached_json("total:" + filters, (REQUESTS,), total_rows)
    page = clamp_page(page, total, per_page)
    found = session.execute(_statements(f, now, filters, page, per_page)[1]).all()
    items = [
        QueueRow(
            id=row.id,
            version=row.version,
            reference=row.reference,
            subject=row.subject,
            customer=row.customer,
            assignee=row.assignee,
            status=row.status,
            priority=row.priority,
            resolution_due=row.resolution_due,
            overdue=is_overdue(row, now),
            tags=tuple(sorted(row.tags.split(","))) if row.tags else (),
        )
        for row in found
    ]
    changes = [moment for row in found if (moment := next_overdue_at(row, now)) is not None]
    return QueuePage(items, page, per_page, total, changes_at=min(changes, default=None))

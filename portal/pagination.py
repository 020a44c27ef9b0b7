"""Simple offset pagination for list pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Page:
    """One page of results with what the pager needs."""

    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def count(session: Session, query: Select) -> int:
    """How many rows `query` matches."""
    return session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def clamp_page(page: int, total: int, per_page: int) -> int:
    """`page` moved into 1..the last page of `total` rows."""
    return min(max(1, page), max(1, -(-total // per_page)))


def paginate(
    session: Session,
    query: Select,
    page: int,
    per_page: int = 25,
    total: int | None = None,
    *,
    rows: bool = False,
) -> Page:
    """Run `query` for one page; out-of-range pages are clamped. `total`: its count, if known.

    `rows=True` keeps every selected column (Row tuples) instead of the first one (ORM objects).
    """
    total = count(session, query) if total is None else total
    page = clamp_page(page, total, per_page)
    one_page = query.limit(per_page).offset((page - 1) * per_page)
    items = list(session.execute(one_page).all() if rows else session.scalars(one_page))
    return Page(items, page, per_page, total)

"""The customer's own request list: filters, one page of rows, built statements kept per app.

The statements differ only by the status filter, whether a search text is given and the page;
the customer and the search pattern are bound parameters. A statement used again skips
SQLAlchemy's cache-key walk, which cost more than running the query.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.orm import Session

from portal.chrome import Memo
from portal.models import RequestStatus, ServiceRequest
from portal.models.requests import OPEN_STATUSES
from portal.pagination import Page, clamp_page

#: The status filter value that means "any open status".
ACTIVE = "active"
#: What a row of the list shows (and all its memoised HTML depends on, see list_rows).
LIST_COLUMNS = (
    ServiceRequest.reference,
    ServiceRequest.subject,
    ServiceRequest.status,
    ServiceRequest.created_at,
)
#: Distinct statements kept per app (status filters x search or not x pages in use).
STATEMENTS_LIMIT = 256


def list_query(status: str, searching: bool) -> Select:
    """The customer's requests (bound: "customer", and "pattern" when `searching`), newest first."""
    query = select(*LIST_COLUMNS).where(ServiceRequest.customer_id == bindparam("customer"))
    if status == ACTIVE:
        query = query.where(ServiceRequest.status.in_(OPEN_STATUSES))
    elif status in {s.value for s in RequestStatus}:
        query = query.where(ServiceRequest.status == RequestStatus(status))
    if searching:
        pattern = bindparam("pattern")
        query = query.where(
            or_(
                func.lower(ServiceRequest.subject).like(pattern),
                func.lower(ServiceRequest.description).like(pattern),
                func.lower(ServiceRequest.reference).like(pattern),
            )
        )
    return query.order_by(ServiceRequest.created_at.desc(), ServiceRequest.id.desc())


def _statement(key: tuple, build) -> Select:
    memo = current_app.extensions.get("customer_list_statements")
    if memo is None:
        memo = current_app.extensions["customer_list_statements"] = Memo(STATEMENTS_LIMIT)
    return memo.get_or_build(key, build)


def list_page(session: Session, customer_id: int, status: str, search: str, page: int, per_page: int) -> Page:
    """One page of the customer's requests as rows (reference, subject, status, created_at).

    `search` (already checked for length) matches subject, description or reference, any case.
    """
    status = status if status == ACTIVE or status in {s.value for s in RequestStatus} else ""
    searching = bool(search)
    params = (
        {"customer": customer_id, "pattern": f"%{search.lower()}%"}
        if searching
        else {"customer": customer_id}
    )

    def count_statement() -> Select:
        return select(func.count()).select_from(list_query(status, searching).order_by(None).subquery())

    total = session.scalar(_statement(("count", status, searching), count_statement), params) or 0
    page = clamp_page(page, total, per_page)
    rows = _statement(
        ("rows", status, searching, page, per_page),
        lambda: list_query(status, searching).limit(per_page).offset((page - 1) * per_page),
    )
    return Page(session.execute(rows, params).all(), page, per_page, total)

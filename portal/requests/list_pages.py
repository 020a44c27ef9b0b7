"""The staff queue and the customer's request list, memoised whole per reader and filters.

Both pages are the same for a reader until a request, tag or saved view changes (the shared
`requests` generation, which every worker reads at each view), a user is renamed (`users`) or,
for the queue, a shown request turns overdue with the clock. The staff queue's filter and bulk
lists (categories, agents) follow the per-worker `kb` and `staff` generations: their cached lists
live `queue.COUNT_TTL` seconds and a queue page QUEUE_PAGE_SECONDS more at most.

Not kept: queue pages filtered to "overdue only" (their rows change with the clock) or by
category (which follows a per-worker generation), searches in the customer's list, and pages
past the last one (every made-up page number would push out real pages).
"""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import urlencode

from markupsafe import Markup
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
from portal import chrome, page_memo
from portal.cache_events import KB, REQUESTS, STAFF, USERS, current_generation
from portal.kb.fragments import FRAGMENT_TTL
from portal.models import RequestStatus, User
from portal.requests import customer_list, list_rows, queue, queue_controls, saved_views

QUEUE_PER_PAGE = 25
LIST_PER_PAGE = 20
#: Longest life of a memoised queue page (its filter and bulk lists may already be COUNT_TTL old).
QUEUE_PAGE_SECONDS = 15
#: The customer list's status filter values that are kept (anything else shows every request).
LIST_STATUSES = frozenset({customer_list.ACTIVE, *(s.value for s in RequestStatus)})


def _key(kind: str, families: tuple[str, ...], *parts: object) -> str | None:
    """A page key from `parts`, the reader's key and the families' generations (None: one of
    them cannot be read, so the page must not be kept)."""
    generations = [current_generation(family) for family in families]
    if None in generations:
        return None
    return f"shopkeeper:{kind}:" + json.dumps([*parts, list_rows.reader_key(), generations], default=str)


def queue_seconds_valid(page: queue.QueuePage, now: datetime) -> float:
    """How long a rendered queue page stays true: until a shown row turns overdue, at most
    QUEUE_PAGE_SECONDS."""
    if page.changes_at is None:
        return QUEUE_PAGE_SECONDS
    return min(QUEUE_PAGE_SECONDS, (page.changes_at - now).total_seconds())


def queue_html(session: Session, filters: queue.QueueFilters, number: int, agent: User) -> str:
    """The staff queue page `number` for `filters`, as `agent` sees it."""
    now = utcnow()

    def render() -> tuple[str, float]:
        page = queue.queue_page(session, filters, now, number, QUEUE_PER_PAGE)
        args = filters.as_args()
        current_query = saved_views.clean_query(urlencode(args))
        counts = queue.cached_status_counts(session)
        html = chrome.render_with_slots(
            "staff_requests/index.html",
            views=saved_views.visible_views(session, agent),
            current_query=current_query,
            controls=queue_controls.queue_controls(session, filters, counts, current_query),
            page=page,
            rows=list_rows.render_rows("staff_requests/_queue_row.html", page.items),
            args=args,
        )
        return html, queue_seconds_valid(page, now) if page.page == number else 0

    key = None
    if not filters.overdue and not filters.category:
        key = _key("queue-page", (REQUESTS, USERS, KB, STAFF), agent.id, filters.as_args(), number)
    return page_memo.serve(key, render)


def customer_list_html(
    session: Session, customer: User, status: str, search: str, search_error: str | None, number: int
) -> str:
    """The customer's request list page `number` (status filter, search text and its error)."""
    status = status if status in LIST_STATUSES else ""  # what the list shows for an unknown one

    def render() -> tuple[str, float]:
        page = customer_list.list_page(
            session, customer.id, status, search if search_error is None else "", number, LIST_PER_PAGE
        )
        html = chrome.render_with_slots(
            "requests/index.html",
            page=page,
            rows=list_rows.render_rows("requests/_row.html", page.items),
            filters=list_rows.render_fragment(
                "requests/_list_filters.html",
                {"statuses": list(RequestStatus), "active": customer_list.ACTIVE},
                status=status,
                search=search,
                search_error=search_error,
            ),
            thead=list_rows.render_fragment("requests/_list_thead.html"),
            status=status,
            search=search,
        )
        return html, FRAGMENT_TTL if page.page == number else 0

    key = None
    if not search:
        key = _key("request-list", (REQUESTS,), customer.id, status, number)
    return Markup(page_memo.serve(key, render))  # noqa: S704 - an autoescaping template, slots escaped

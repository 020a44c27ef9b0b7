"""Count SQL statements and add rows in bulk, for tests that a page's cost does not grow with data."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import event

from knowledge_base.db import utcnow
from knowledge_base.models import Article, ArticleStatus, Category
from portal.auth.services import create_user
from portal.models import Priority, RequestStatus, Role, ServiceRequest, User
from tests.conftest import CHEAP_ARGON2, TEST_PASSWORD


@dataclass
class QueryCount:
    """Statements sent to the database while the block ran (with their SQL, for messages)."""

    statements: list[str]

    @property
    def n(self) -> int:
        return len(self.statements)


@contextlib.contextmanager
def counting_queries(app) -> Iterator[QueryCount]:
    """Count every statement the app's engine executes inside the block."""
    found = QueryCount([])
    engine = app.extensions["db_engine"]

    def note(_conn, _cursor, statement, _params, _context, _many):
        found.statements.append(" ".join(statement.split())[:160])

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", note)


def cold_and_warm(app, client, path: str) -> tuple[QueryCount, QueryCount]:
    """Statements of a first rendering (caches and read marks emptied) and of the next, cached one."""
    app.extensions.pop("cache", None)
    app.extensions.pop("identity_cache", None)
    app.extensions.pop("kb_recent_reads", None)
    app.extensions.pop("page_memo", None)  # whole list pages (portal/page_memo.py)
    with counting_queries(app) as cold:
        assert client.get(path).status_code == 200
    with counting_queries(app) as warm:
        assert client.get(path).status_code == 200
    return cold, warm


def add_articles(db, count: int, *, start: int, category: Category, tags=("router",), locale="en") -> None:
    """`count` more published articles in `category` sharing `tags`."""
    now = utcnow()
    for number in range(start, start + count):
        db.add(
            Article(
                slug=f"bulk-{number}",
                locale=locale,
                translation_key=f"bulk-{number}",
                category=category,
                status=ArticleStatus.PUBLISHED,
                title=f"Router question {number}",
                tags=list(tags),
                body_html=f"<p>Router answer {number}.</p>",
                published_at=now,
                helpful_yes=number,
            )
        )
    db.commit()


def add_customers(db, count: int, *, start: int) -> list[User]:
    """`count` more customers (each request of the queue tests gets a different one)."""
    created = [
        create_user(
            db,
            email=f"bulk{number}@example.com",
            name=f"Bulk {number}",
            password=TEST_PASSWORD,
            role=Role.CUSTOMER,
            hash_params=CHEAP_ARGON2,
        )
        for number in range(start, start + count)
    ]
    db.commit()
    return created


def add_requests(db, customers: list[User], *, start: int, assignee: User | None = None) -> None:
    """One open request per customer (numbered from `start`)."""
    for offset, customer in enumerate(customers):
        number = start + offset
        db.add(
            ServiceRequest(
                reference=f"SR-2024-{number:06d}",
                customer_id=customer.id,
                subject=f"Bulk request {number}",
                description="It stopped.",
                status=RequestStatus.OPEN,
                priority=Priority.NORMAL,
                assignee_id=assignee.id if assignee else None,
            )
        )
    db.commit()


def discard_pending(app, name: str) -> None:
    """Forget the app's unwritten batched rows called `name` (a fresh batch starts on next use);
    their rows are dropped, so no timer or exit-time write sends them to another test's tables."""
    pending_rows = app.extensions.pop(name, None)
    if pending_rows is not None:
        pending_rows.take()

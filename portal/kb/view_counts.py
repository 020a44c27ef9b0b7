"""Article views, counted in memory and written to the database now and then.

Replaces one UPDATE (and a write transaction) per article page: with two workers on SQLite
every reader queued for the write lock. Each worker keeps at most MAX_PENDING views and
writes them, one UPDATE per article, from the request that finds them due (every
PORTAL_VIEW_FLUSH_SECONDS, default 30; 0 writes every view at once). A worker that dies loses
its unwritten views: at most that many seconds of a popularity counter.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm import Session

from knowledge_base.models import Article

#: Views a worker keeps before writing them, whatever the time.
MAX_PENDING = 1000


class ViewCounts:
    """Views per article not yet written, and when they were last written."""

    def __init__(self, flush_seconds: float, clock=time.monotonic) -> None:
        self._pending: Counter[int] = Counter()
        self._flush_seconds = flush_seconds
        self._clock = clock
        self._last = clock()
        self._lock = threading.Lock()

    def add(self, article_id: int) -> dict[int, int]:
        """Count one view; returns the views to write now (empty until they are due)."""
        with self._lock:
            self._pending[article_id] += 1
            due = self._clock() - self._last >= self._flush_seconds
            if not due and sum(self._pending.values()) < MAX_PENDING:
                return {}
            taken, self._pending, self._last = dict(self._pending), Counter(), self._clock()
            return taken


def write_views(session: Session, counts: dict[int, int]) -> None:
    """Add `counts` to the articles' view counters in SQL (`updated_at` stays; the caller commits)."""
    for article_id, views in sorted(counts.items()):
        session.execute(
            update(Article)
            .where(Article.id == article_id)
            .values(views=Article.views + views, updated_at=Article.updated_at)
            .execution_options(synchronize_session=False, counters_only=True)  # no cache retired
        )


def count_view(session: Session, article: Article) -> None:
    """One more view of `article`; writes this worker's pending views when they are due."""
    app = current_app._get_current_object()
    counts = app.extensions.get("kb_view_counts")
    if counts is None:
        counts = app.extensions["kb_view_counts"] = ViewCounts(app.config["VIEW_FLUSH_SECONDS"])
    due = counts.add(article.id)
    if due:
        write_views(session, due)

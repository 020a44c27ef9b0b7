"""Article views, kept in a worker's memory and written in batches (portal/batches.py).

Replaces one UPDATE (and a write transaction) per article page: with two workers on SQLite
every reader queued for the write lock. Each worker keeps the views and writes them, one
counters-only UPDATE per article, in a transaction of its own after a response (never in the
reader's), every PORTAL_VIEW_FLUSH_SECONDS (default 30; a timer writes them even if no request
comes; 0 writes every view after its page), at MAX_PENDING views and at worker exit; pages that
show the counters (the staff article list) write this worker's first. A killed worker loses at
most that many seconds of a popularity counter. The UPDATEs say they only change counters, so
no cache generation is bumped (portal/cache_events.py).
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import update
from sqlalchemy.orm import Session

from knowledge_base.models import Article
from portal import batches

#: The app's pending views (app.extensions).
PENDING = "kb_view_counts"


def write_views(session: Session, rows: list[dict]) -> None:
    """Add the views in `rows` (one {"article_id"} per view) to the articles' counters, one UPDATE
    per article; `updated_at` stays; an article deleted meanwhile is skipped (the caller commits)."""
    for article_id, views in sorted(Counter(row["article_id"] for row in rows).items()):
        session.execute(
            update(Article)
            .where(Article.id == article_id)
            .values(views=Article.views + views, updated_at=Article.updated_at)
            .execution_options(synchronize_session=False, counters_only=True)  # no cache retired
        )


def pending(app=None) -> batches.PendingRows:
    """This worker's unwritten views, created on first use."""
    return batches.pending(PENDING, "VIEW_FLUSH_SECONDS", write_views, app=app)


def count_view(article_id: int) -> None:
    """One more view of the article; written with this worker's others when due, after the
    response, in a transaction of its own."""
    batches.keep(pending(), [{"article_id": article_id}])


def flush() -> None:
    """Write this worker's pending views now (before a page shows the counters)."""
    batches.flush(PENDING)

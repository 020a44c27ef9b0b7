"""Cached pages follow the data: a commit that changes articles, categories or requests starts a
new cache generation (portal/cache.py), so every entry built from the old data is retired.

Listening on the app's session factory catches every writer (views, CLI, jobs) without each
one remembering to invalidate. Counter-only changes of an article (views, votes) do not count:
they are not shown on cached fragments, and bumping on every page view would empty the cache.
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from knowledge_base.models import Article, ArticleRevision, Category
from portal.cache import bump_generation
from portal.models import LinkSuggestion, Offer, ServiceRequest, Tag, User

#: Generation names, one per family of cached entries.
KB = "kb"
REQUESTS = "requests"
LINKS = "links"  # approved link sets of revisions (portal/marketing/linking.py)
STAFF = "staff"  # who may be assigned requests, by name (the queue's bulk bar)

#: User columns the staff lists show or choose by (a login or a setting changes none of them).
STAFF_COLUMNS = frozenset({"name", "role", "is_active"})

#: Article columns that change on reading, not on editing.
COUNTERS = frozenset({"views", "helpful_yes", "helpful_no", "updated_at"})
PENDING = "cache_generations_pending"


def _changed_attributes(obj: object) -> set[str]:
    state = inspect(obj)
    return {attr.key for attr in state.attrs if attr.history.has_changes()}


def families_touched(session: Session) -> set[str]:
    """Which generations the session's pending changes affect."""
    touched: set[str] = set()
    for obj in (*session.new, *session.deleted):
        if isinstance(obj, Article | ArticleRevision | Category):
            touched.add(KB)
        elif isinstance(obj, ServiceRequest | Tag):
            touched.add(REQUESTS)
        elif isinstance(obj, User):
            touched.add(STAFF)
        elif isinstance(obj, LinkSuggestion | Offer):
            touched.add(LINKS)
    for obj in session.dirty:
        if isinstance(obj, LinkSuggestion | Offer) and _changed_attributes(obj):
            touched.add(LINKS)
        if isinstance(obj, Article) and not _changed_attributes(obj) <= COUNTERS or isinstance(obj, Category):
            touched.add(KB)
        elif isinstance(obj, ServiceRequest | Tag) and _changed_attributes(obj):
            touched.add(REQUESTS)
        elif isinstance(obj, User) and _changed_attributes(obj) & STAFF_COLUMNS:
            touched.add(STAFF)
    return touched


def init_app(app: Flask) -> None:
    """Watch the app's sessions; bump generations after each commit that changed their data."""
    factory = app.extensions["db_sessionmaker"]

    @event.listens_for(factory, "before_flush")
    def _note(session: Session, _context, _instances) -> None:
        session.info.setdefault(PENDING, set()).update(families_touched(session))

    @event.listens_for(factory, "after_commit")
    def _bump(session: Session) -> None:
        for family in session.info.pop(PENDING, ()):
            bump_generation(family, app)

    @event.listens_for(factory, "after_rollback")
    def _forget(session: Session) -> None:
        session.info.pop(PENDING, None)

"""Cached pages follow the data: a commit that changes articles, categories or requests starts a
new cache generation (portal/cache.py), so every entry built from the old data is retired.

Listening on the app's session factory catches every writer (views, CLI, jobs) without each
one remembering to invalidate. Counter-only changes of an article (views, votes) do not count:
they are not shown on cached fragments, and bumping on every page view would empty the cache.

Three families are *shared* generations, seen by every worker at its next request even without
Redis (portal/cache.py): `users` (who is logged in, portal/identity_cache.py), bumped by a
change to a user row's cached columns; `kb-articles` (the published article looked up by
address, portal/kb/addresses.py), bumped by any non-counter change of an article; and
`requests` (the memoised staff queue and customer request lists, portal/page_memo.py), bumped by
any change of a request, a tag or a saved queue view. Bulk INSERT/UPDATE/DELETE statements on
their tables bump them too, unless a statement says it only changes counters (execution option
`counters_only`, as the batched view counts do).
"""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session

from knowledge_base.models import Article, ArticleRevision, Category
from portal import identity_cache
from portal.cache import bump_generation, bump_shared_generation, generation, shared_generation
from portal.models import LinkSuggestion, Offer, SavedView, ServiceRequest, Tag, User, request_tags

log = logging.getLogger("portal.cache_events")

#: Generation names, one per family of cached entries.
KB = "kb"
REQUESTS = "requests"
LINKS = "links"  # approved link sets of revisions (portal/marketing/linking.py)
USERS = identity_cache.USERS  # logged-in users
ARTICLES = "kb-articles"  # published articles by address
STAFF = "staff"  # who may be assigned requests, by name (the queue's bulk bar)
#: Families whose generation every worker sees at once (portal/cache.py `shared_generation`).
SHARED = frozenset({USERS, ARTICLES, REQUESTS})

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
        if isinstance(obj, Article):
            touched.update((KB, ARTICLES))
        elif isinstance(obj, ArticleRevision | Category):
            touched.add(KB)
        elif isinstance(obj, ServiceRequest | Tag | SavedView):
            touched.add(REQUESTS)
        elif isinstance(obj, User):
            touched.update((USERS, STAFF))
        elif isinstance(obj, LinkSuggestion | Offer):
            touched.add(LINKS)
    for obj in session.dirty:
        if isinstance(obj, Category):
            touched.add(KB)
            continue
        if not isinstance(obj, Article | ServiceRequest | Tag | SavedView | LinkSuggestion | Offer | User):
            continue
        changed = _changed_attributes(obj)
        if isinstance(obj, Article) and not changed <= COUNTERS:
            touched.update((KB, ARTICLES))
        elif isinstance(obj, ServiceRequest | Tag | SavedView) and changed:
            touched.add(REQUESTS)
        elif isinstance(obj, LinkSuggestion | Offer) and changed:
            touched.add(LINKS)
        elif isinstance(obj, User):
            if changed & identity_cache.CACHED_COLUMNS:
                touched.add(USERS)
            if changed & STAFF_COLUMNS:
                touched.add(STAFF)
    return touched


def bulk_families(state: ORMExecuteState) -> set[str]:
    """Which shared generations a bulk INSERT/UPDATE/DELETE statement run through a session
    affects (none when it says it only changes counters)."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return set()
    if state.execution_options.get("counters_only"):
        return set()
    table = getattr(state.statement, "table", None)
    return set(BULK_FAMILIES.get(getattr(table, "name", None), ()))


#: The families a bulk statement on a table touches (ORM-enabled or Core, such as request_tags).
BULK_FAMILIES: dict[str | None, tuple[str, ...]] = {
    User.__tablename__: (USERS, STAFF),
    Article.__tablename__: (KB, ARTICLES),
    ServiceRequest.__tablename__: (REQUESTS,),
    Tag.__tablename__: (REQUESTS,),
    SavedView.__tablename__: (REQUESTS,),
    request_tags.name: (REQUESTS,),
}


def current_generation(family: str, app: Flask | None = None) -> str | None:
    """The generation of `family` for a cache key; None when a shared one cannot be read (then
    nothing may be cached under it)."""
    return shared_generation(family, app) if family in SHARED else generation(family, app)


def bump(family: str, app: Flask) -> None:
    """Start a new generation of `family`; a shared one that cannot be stored is logged as an
    error (other workers keep their entries until these expire)."""
    if family not in SHARED:
        bump_generation(family, app)
    elif not bump_shared_generation(family, app):
        log.error(
            "Generation %r could not be bumped: other workers keep their entries until they expire", family
        )


#: Every family of cached entries.
FAMILIES = (KB, REQUESTS, LINKS, USERS, ARTICLES, STAFF)


def bump_all(app: Flask) -> None:
    """Retire every cached entry (after the database was replaced under the running portal, as a
    forced restore does: no session event saw those writes). Other workers' in-process families
    are beyond reach and expire with their entries; the shared ones retire at their next request."""
    for family in FAMILIES:
        bump(family, app)


def init_app(app: Flask) -> None:
    """Watch the app's sessions; bump generations after each commit that changed their data."""
    factory = app.extensions["db_sessionmaker"]

    @event.listens_for(factory, "before_flush")
    def _note(session: Session, _context, _instances) -> None:
        session.info.setdefault(PENDING, set()).update(families_touched(session))

    @event.listens_for(factory, "do_orm_execute")
    def _note_bulk(state: ORMExecuteState) -> None:
        families = bulk_families(state)
        if families:
            state.session.info.setdefault(PENDING, set()).update(families)

    # Savepoints fire these events too: only the outer transaction's end publishes or forgets
    # (bumping at a savepoint would let another worker cache the old row under the new generation).
    @event.listens_for(factory, "after_commit")
    def _bump(session: Session) -> None:
        if session.in_nested_transaction():
            return
        for family in session.info.pop(PENDING, ()):
            bump(family, app)

    @event.listens_for(factory, "after_rollback")
    def _forget(session: Session) -> None:
        if session.in_nested_transaction():
            return  # what was noted before the savepoint is still to be published
        session.info.pop(PENDING, None)

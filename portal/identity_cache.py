"""Who is logged in, without a database query on every request.

flask-login loads the user on every request (an ORM `get`, about a quarter of a cached article
page). Each worker keeps the columns of users it loaded, in a bounded in-process LRU, under a
key holding the `users` shared generation (portal/cache.py: in Redis when the cache is Redis,
else a file in the instance folder, so every worker and the CLI on this host see it). A commit
that inserts, deletes or changes a cached column of a user row through the app's sessions
starts a new generation (portal/cache_events.py watches every session, bulk statements
included), so a deactivated account, a new security stamp (password changed, sessions ended),
a role, consent or name change takes effect on the next request on every worker. A cached user
is attached to the request's session without a query: changing it and committing works as for
a loaded one.

The password hash and the login and update times are never cached (they load when first read),
so a login, which writes only those, retires nothing. Entries also expire after
PORTAL_USER_CACHE_SECONDS (default 60; 0 turns the cache off): the bound on staleness should a
bump be lost (Redis unreachable at that moment; the error is logged). While the generation
cannot be read, every request loads the user from the database. Rows changed behind the app's
sessions (raw SQL, another program) are seen when the entries expire.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from sqlalchemy import inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from portal import row_cache
from portal.cache import shared_generation
from portal.models import User

#: The shared generation of cached users.
USERS = "users"
#: Where a worker keeps them (app.extensions).
ENTRIES = "identity_cache"
#: Loaded when first read, never cached: the hash has no business in a cache; the times change
#: at every login, which would otherwise retire every worker's users each time someone logs in.
NOT_CACHED = frozenset({"password_hash", "last_login_at", "updated_at"})
CACHED_COLUMNS = frozenset(a.key for a in inspect(User).column_attrs if a.key not in NOT_CACHED)


def load(session: Session, user_id: int, usable: Callable[[User], bool]) -> User | None:
    """The user `user_id` in `session`, from this worker's cache when the `users` generation is
    unchanged, else from the database. A cached user that `usable` refuses is read again from
    the database before it is refused (the cache only ever saves a query, never decides alone)."""
    app = current_app._get_current_object()
    ttl = app.config["USER_CACHE_SECONDS"]
    version = shared_generation(USERS, app) if ttl > 0 else None
    if version is None:
        return session.get(User, user_id)
    key = f"{user_id}:{version}"
    entries = row_cache.entries(app, ENTRIES)
    kept = entries.get(key)
    if kept is not None:
        user = row_cache.attach(session, User, kept)
        if usable(user):
            return user
        entries.delete(key)
        return session.get(User, user_id, populate_existing=True)
    if identity_key(User, user_id) in session.identity_map:
        return session.get(User, user_id)  # this session's copy may hold unsaved changes: not cached
    user = session.get(User, user_id)  # read after the generation: a change committed meanwhile
    if user is not None:  # was either read here or bumped the generation this key holds
        entries.set(key, row_cache.values(user, CACHED_COLUMNS), ttl=ttl)
    return user

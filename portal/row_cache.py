"""Rows kept in a worker between requests and put back into a request's session without a query.

For rows read on every page view that change rarely (the logged-in user, the article being
read): a worker keeps some of their column values in a bounded in-process LRU, under keys that
hold a shared generation (portal/cache.py) bumped by every commit that changes such a row
(portal/cache_events.py), and `attach` makes a persistent object of them in the request's
session, exactly as if it had been loaded: relationships and the columns not kept load when
first read, changes are flushed on commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from flask import Flask
from sqlalchemy import inspect
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from portal.cache import MemoryCache

M = TypeVar("M")
#: Rows a worker keeps per kind.
ENTRY_LIMIT = 5000


def entries(app: Flask, name: str) -> MemoryCache[dict[str, Any]]:
    """The app's kept rows called `name` (app.extensions[name]), created on first use."""
    found = app.extensions.get(name)
    if found is None:
        found = app.extensions[name] = MemoryCache(limit=ENTRY_LIMIT)
    return found


def values(obj: object, columns: Iterable[str]) -> dict[str, Any]:
    """The values of `columns` of a freshly loaded `obj` (to keep; every request shares them, so
    only columns with immutable values: no JSON lists or dicts)."""
    return {name: getattr(obj, name) for name in columns}


def attach(session: Session, model: type[M], kept: dict[str, Any]) -> M:
    """A persistent `model` in `session` holding `kept` (which must hold its primary key "id"),
    without a query; the object already in the session if there is one."""
    found = session.identity_map.get(identity_key(model, (kept["id"],)))
    if found is not None:
        return found
    obj = inspect(model).class_manager.new_instance()
    obj.__dict__.update(kept)  # as a load does: no history, nothing to flush
    make_transient_to_detached(obj)  # identity key set; the other columns load when first read
    session.add(obj)
    return obj

"""Cursor (keyset) pagination: stable under inserts, no OFFSET scans.

The cursor is the sort value and id of the last item shown, base64url-encoded JSON. It is opaque to
clients, not a secret: a forged cursor only moves the window over rows the query allows anyway.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import Session

from portal.api.errors import api_error
from portal.requests.sla import as_aware

DEFAULT_LIMIT = 25
MAX_LIMIT = 100


@dataclass(frozen=True)
class Sort:
    """Order by `column` (then the id), ascending or descending."""

    column: Any
    id_column: Any
    descending: bool
    kind: str = "datetime"  # datetime | int


@dataclass(frozen=True)
class Page:
    """One page of items and the cursor of the next (None on the last page)."""

    items: list[Any]
    next_cursor: str | None


def encode(value: Any, ident: int) -> str:
    """The cursor after an item with sort `value` and id `ident`."""
    if isinstance(value, datetime):
        value = as_aware(value).isoformat()
    raw = json.dumps([value, ident], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, sort: Sort) -> tuple[Any, int]:
    """The sort value and id a cursor carries; 400 when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, ident = json.loads(raw)
        if not isinstance(ident, int) or isinstance(ident, bool):
            raise ValueError
        if sort.kind == "datetime":
            value = as_aware(datetime.fromisoformat(value))
        elif sort.kind == "int" and (not isinstance(value, int) or isinstance(value, bool)):
            raise ValueError
        if not -(2**31) <= ident <= 2**31 - 1 or (sort.kind == "int" and not -(2**31) <= value <= 2**31):
            raise ValueError
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise api_error(400, "The cursor is not valid: use the next_cursor of a previous page.") from None
    return value, ident


def paginate(session: Session, query: Select, sort: Sort, cursor: str | None, limit: int) -> Page:
    """Run `query` for one page after `cursor`, `limit` items at most."""
    column, id_column = sort.column, sort.id_column
    if cursor:
        value, ident = decode(cursor, sort)
        if sort.descending:
            query = query.where(or_(column < value, and_(column == value, id_column < ident)))
        else:
            query = query.where(or_(column > value, and_(column == value, id_column > ident)))
    order = (column.desc(), id_column.desc()) if sort.descending else (column.asc(), id_column.asc())
    rows = list(session.scalars(query.order_by(*order).limit(limit + 1)))
    items, more = rows[:limit], len(rows) > limit
    next_cursor = None
    if more and items:
        last = items[-1]
        next_cursor = encode(getattr(last, column.key), getattr(last, id_column.key))
    return Page(items, next_cursor)

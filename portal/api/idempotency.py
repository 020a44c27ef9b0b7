"""`Idempotency-Key` for API writes: a retried write is answered from the record, not done twice.

The key is claimed before the write runs (a unique row per token and key, committed), so two
copies of one request racing each other cannot both write: the second gets 409 while the first
runs. When the write ends, its answer is stored on the row; a retry with the same key, method,
path and body gets that answer again (with `Idempotent-Replayed: true`); the same key with another
request is refused with 422. Keys are remembered for PORTAL_API_IDEMPOTENCY_HOURS (default 24).
A claim whose write never finished (the process died) is given up after STALE_CLAIM.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import Response, current_app, make_response, request
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from knowledge_base.db import utcnow
from portal.api.auth import current_token
from portal.api.errors import api_error
from portal.db import get_session
from portal.models import IdempotencyKey
from portal.requests.sla import as_aware

HEADER = "Idempotency-Key"
KEY_MAX = 255
STALE_CLAIM = timedelta(minutes=2)


def _fingerprint() -> str:
    return hashlib.sha256(request.get_data(cache=True)).hexdigest()


def _valid_key(key: str) -> bool:
    return 1 <= len(key) <= KEY_MAX and all(32 < ord(c) < 127 for c in key)


def _replay(row: IdempotencyKey) -> Response:
    response = Response(row.response_body or "", status=row.status_code, content_type=row.content_type)
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _claim(key: str, path: str, fingerprint: str) -> IdempotencyKey | Response:
    """Claim `key` for this request, or the answer to give instead (a replay or a refusal)."""
    db = get_session()
    token = current_token()
    assert token is not None  # the blueprint authenticated the request
    hours = int(current_app.config.get("API_IDEMPOTENCY_HOURS", 24))
    now = utcnow()
    db.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.token_id == token.id, IdempotencyKey.created_at < now - timedelta(hours=hours)
        )
    )
    row = db.scalar(
        select(IdempotencyKey).where(IdempotencyKey.token_id == token.id, IdempotencyKey.key == key)
    )
    if row is not None and row.status_code is None and now - as_aware(row.created_at) > STALE_CLAIM:
        db.delete(row)
        row = None
    if row is not None:
        db.commit()
        if (row.method, row.path, row.request_hash) != (request.method, path, fingerprint):
            raise api_error(422, "This Idempotency-Key was used for a different request.")
        if row.status_code is None:
            raise api_error(409, "A request with this Idempotency-Key is still being processed.")
        return _replay(row)
    row = IdempotencyKey(
        token_id=token.id, key=key, method=request.method, path=path, request_hash=fingerprint, created_at=now
    )
    db.add(row)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise api_error(409, "A request with this Idempotency-Key is still being processed.") from None
    return row


def idempotent(view: Callable) -> Callable:
    """Decorate an API write: honour the Idempotency-Key header when one is sent."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if not _valid_key(key):
            raise api_error(400, f"{HEADER} must be 1 to {KEY_MAX} visible ASCII characters.")
        claimed = _claim(key, request.path[:500], _fingerprint())
        if isinstance(claimed, Response):
            return claimed
        claim_id = claimed.id
        try:
            response = make_response(view(*args, **kwargs))
        except Exception as exc:  # the error's answer is part of the record (a 4xx replays)
            response = make_response(current_app.handle_user_exception(exc))
        _finish(claim_id, response)
        return response

    wrapped._idempotent = True  # type: ignore[attr-defined]
    return wrapped


def _finish(claim_id: int, response: Any) -> None:
    """Store the answer on the claim (server errors free the key: a retry may succeed)."""
    db = get_session()
    db.rollback()
    row = db.get(IdempotencyKey, claim_id)
    if row is None:
        return
    response = make_response(response)
    if response.status_code >= 500 or response.is_streamed:
        db.delete(row)
    else:
        row.status_code = response.status_code
        row.content_type = response.content_type
        row.response_body = response.get_data(as_text=True)
    db.commit()

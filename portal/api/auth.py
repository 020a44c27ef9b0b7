"""Bearer-token authentication, scopes, rate-limit keys and the record of token use.

The API reads only the `Authorization: Bearer` header, never the session cookie: a logged-in
browser cannot be tricked into an API write (no cookie, no CSRF risk), so the API blueprint is
exempt from CSRF. The token's owner becomes flask-login's current user for the request, so
`portal.access` answers every question exactly as it does for the web pages.

Use is recorded cheaply: `last_used_at` (and the address) at most once a minute per token, and an
audit-log row for every write (POST, PATCH, PUT, DELETE) with its answer's status.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import Response, g, request
from flask_limiter.util import get_remote_address
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from knowledge_base.db import utcnow
from portal import audit
from portal.api import tokens
from portal.api.errors import api_error
from portal.db import get_session
from portal.extensions import login_manager
from portal.models import ApiToken
from portal.requests.sla import as_aware

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
TOUCH_EVERY = timedelta(minutes=1)


def current_token() -> ApiToken | None:
    """The live token this request carries (looked up once per request), else None."""
    if "api_token" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, raw = header.partition(" ")
        found = None
        if scheme.lower() == "bearer" and raw.strip():
            found = tokens.authenticate(get_session(), raw.strip())
        g.api_token = found
    return g.api_token


def rate_key() -> str:
    """Rate-limit bucket: the token; requests without a valid token share their address's bucket."""
    token = current_token()
    return f"api-token:{token.id}" if token is not None else f"api-ip:{get_remote_address()}"


def authenticate() -> None:
    """Blueprint hook: a valid bearer token or 401; its owner is the current user."""
    token = current_token()
    if token is None:
        exc = Unauthorized(
            "Send a valid API token: Authorization: Bearer <token> (create one on your account page).",
            www_authenticate=WWWAuthenticate("Bearer", {"realm": "api"}),
        )
        exc.api_detail = True  # type: ignore[attr-defined]
        raise exc
    login_manager._update_request_context_with_user(token.user)  # noqa: SLF001 (no public setter)
    _touch(token)


def _touch(token: ApiToken) -> None:
    now = utcnow()
    last = as_aware(token.last_used_at)
    if last is None or now - last >= TOUCH_EVERY:
        token.last_used_at, token.last_used_ip = now, request.remote_addr
        get_session().commit()


def record_write(response: Response) -> Response:
    """Blueprint hook: every write made with a token leaves an audit row (with its status)."""
    token = g.get("api_token")
    if token is None or request.method not in WRITE_METHODS:
        return response
    db = get_session()
    db.rollback()  # a failed write may have left the session dirty; the audit row stands alone
    audit.record(
        db,
        "api.write",
        actor=token.user,
        target=f"{request.method} {request.path}"[:255],
        token=token.id,
        token_name=token.name,
        status=response.status_code,
    )
    db.commit()
    return response


def scope(name: str) -> Callable:
    """Decorate an API view: the token must carry scope `name` (403 otherwise)."""
    if name not in tokens.SCOPES:
        raise ValueError(f"unknown scope {name}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            token = current_token()
            if token is None or name not in (token.scopes or []):
                raise api_error(403, f"This token lacks the scope {name}.")
            return view(*args, **kwargs)

        wrapped.__doc__ = f"{(view.__doc__ or '').rstrip()}\n\nScope: `{name}`."
        wrapped._api_scope = name  # type: ignore[attr-defined]
        return wrapped

    return decorator

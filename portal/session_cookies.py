"""Flask's signed-cookie sessions, with each worker remembering the cookies it verified lately.

Opening the session cookie (HMAC check, base64, zlib, tagged JSON) cost about a tenth of a cached
article page, on every request, for the same few cookies: a browser sends the same cookie until
the session changes. Each worker keeps, per app, the cookies it verified (the exact string,
signature included) with their signing time and content, in a bounded LRU: a cookie seen before
is not verified again, only its age is checked again (PERMANENT_SESSION_LIFETIME, as Flask does).
Nothing changes for anything else: a new, altered or expired cookie is verified or refused as
before, and saving works as in Flask.
"""

from __future__ import annotations

import time

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

from portal.cache import MemoryCache

#: Verified cookies a worker keeps, and for how long at most.
VERIFIED_LIMIT = 5000
VERIFIED_SECONDS = 600


class RememberingSessionInterface(SecureCookieSessionInterface):
    """`SecureCookieSessionInterface` that verifies each distinct cookie once per worker."""

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's serializer, made once per app and key set instead of on every request."""
        return _state(app, self)[0]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """The session of the request's cookie: from the worker's memory when it verified this
        very cookie (with the same keys) before and it has not expired since, else verified as
        Flask does."""
        value = request.cookies.get(self.get_cookie_name(app))
        serializer, verified = _state(app, self)
        if not value or serializer is None:
            return super().open_session(app, request)
        max_age = app.permanent_session_lifetime.total_seconds()
        found = verified.get(value)
        if found is not None:
            signed_at, payload = found
            if time.time() - signed_at <= max_age:
                return self.session_class(self.serializer.loads(payload))  # fresh objects each time
            verified.delete(value)
            return self.session_class()
        try:
            data, signed_at = serializer.loads(value, max_age=int(max_age), return_timestamp=True)
        except BadSignature:
            return self.session_class()
        verified.set(value, (signed_at.timestamp(), self.serializer.dumps(data)), ttl=VERIFIED_SECONDS)
        return self.session_class(data)

    def _serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        return super().get_signing_serializer(app)


def _state(
    app: Flask, interface: RememberingSessionInterface
) -> tuple[URLSafeTimedSerializer | None, MemoryCache[tuple[float, str]]]:
    """The app's serializer and verified cookies, made anew whenever its keys change (a cookie
    verified with other keys is never taken on trust)."""
    keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
    found = app.extensions.get("session_cookies")
    if found is None or found[0] != keys:
        found = (keys, interface._serializer(app), MemoryCache(limit=VERIFIED_LIMIT))
        app.extensions["session_cookies"] = found
    return found[1], found[2]


def init_app(app: Flask) -> None:
    """Open and save the app's session cookies through `RememberingSessionInterface`."""
    app.session_interface = RememberingSessionInterface()

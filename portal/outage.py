"""A database outage answers 503 "try again shortly", never a stack trace or a 500.

While PostgreSQL restarts (or SQLite stays locked), any request that needs the database fails
with an OperationalError/InterfaceError. This module turns that into:

- HTML: a small 503 page with ``Retry-After``; a form post gets its typed text back in a form
  that sends it again (passwords and files excepted), so nothing typed is lost;
- JSON (API clients): ``{"error": ..., "status": 503}`` with ``Retry-After``.

The page is rendered without touching the database (no user, no navigation). The engine's
``pool_pre_ping`` (portal/db.py) replaces dead connections, so the first request after the
database is back works without restarting the app.
"""

from __future__ import annotations

import contextlib
import logging

from flask import Flask, Response, current_app, g, jsonify, request, session
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import InternalServerError

RETRY_AFTER_SECONDS = 10
SECRET_FIELDS = ("password", "secret", "token", "csrf")
SQLITE_OUTAGE_WORDS = ("locked", "busy", "unable to open", "disk i/o")

log = logging.getLogger("portal.outage")


def is_outage(exc: BaseException) -> bool:
    """True for errors that mean "the database is unreachable or busy right now".

    On SQLite, OperationalError also reports programming mistakes ("no such table"): only
    locks and I/O count there.
    """
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    if "sqlite" in type(exc.orig).__module__:
        return any(word in str(exc.orig).lower() for word in SQLITE_OUTAGE_WORDS)
    return True


def kept_fields() -> list[tuple[str, str]]:
    """The text a form post carried, to offer it back (no passwords, tokens or files)."""
    if request.method != "POST":
        return []
    return [
        (name, value)
        for name, values in request.form.lists()
        for value in values
        if not any(word in name.lower() for word in SECRET_FIELDS) and value
    ]


def _rollback() -> None:
    """Give the broken connection back to the pool (it is replaced on the next checkout)."""
    db_session = g.get("db_session")
    if db_session is not None:
        with contextlib.suppress(Exception):
            db_session.rollback()


def _safe_locale() -> str:
    """The page language without asking the database (the user's row may be unreachable)."""
    supported = current_app.config["SUPPORTED_LOCALES"]
    user = g.get("_login_user")
    with contextlib.suppress(Exception):
        if user is not None and user.is_authenticated and user.__dict__.get("locale") in supported:
            return user.__dict__["locale"]
    chosen = session.get("locale")
    if chosen in supported:
        return chosen
    return request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def unavailable_response(locale: str | None = None) -> Response:
    """The 503 answer for this request (HTML or JSON), with Retry-After."""
    retry = int(current_app.config.get("OUTAGE_RETRY_AFTER", RETRY_AFTER_SECONDS))
    locale = locale or _safe_locale()
    with force_locale(locale):
        message = _("The service is briefly unavailable. Please try again in a moment.")
        if _wants_json():
            response = jsonify(error=message, status=503)
        else:
            fields = kept_fields()
            template = current_app.jinja_env.get_template("errors/outage.html")
            body = template.render(
                message=message,
                fields=fields,
                had_files=any(f.filename for f in request.files.values()),
                action=request.path,
                csrf_token=request.form.get("csrf_token", "") if fields else "",
                locale=locale,
            )
            response = Response(body, mimetype="text/html")
    response.status_code = 503
    response.headers["Retry-After"] = str(retry)
    return response


def handle(exc: Exception):
    """Error handler: outages become 503; other database errors stay 500s."""
    _rollback()
    if not is_outage(exc):
        current_app.logger.exception("Database error", exc_info=exc)
        return current_app.handle_http_exception(InternalServerError(original_exception=exc))
    log.warning("Database unavailable on %s %s: %s", request.method, request.path, exc.__class__.__name__)
    locale = _safe_locale()
    g._login_user = current_app.login_manager.anonymous_user()  # no later database look-up
    return unavailable_response(locale)


def init_app(app: Flask) -> None:
    """Register the handlers (called from portal.db.init_app)."""
    app.config.setdefault("OUTAGE_RETRY_AFTER", RETRY_AFTER_SECONDS)
    app.register_error_handler(OperationalError, handle)
    app.register_error_handler(InterfaceError, handle)

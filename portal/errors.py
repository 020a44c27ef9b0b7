"""Friendly error pages (HTML) and JSON errors for API clients; nothing internal leaks."""

from __future__ import annotations

from flask import Flask, g, jsonify, render_template, request
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: _l("The request could not be understood. Please check what you sent and try again."),
    403: _l("You do not have permission to see this page."),
    404: _l("We could not find that page."),
    405: _l("That action is not allowed here."),
    413: _l("What you sent is too large for this page."),
    429: _l("Too many attempts. Please wait a minute and try again."),
    500: _l("Something went wrong on our side. We have been notified; please try again later."),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def _render(code: int, message: str):
    if request.path.startswith("/api/"):
        from portal.api.errors import API_MESSAGES, problem

        return problem(code, API_MESSAGES.get(code, str(message)))
    if _wants_json():
        return jsonify(error=str(message), status=code), code
    if request_ctx.url_adapter is None:  # an untrusted Host: no URL can be built for this request
        return _plain(code, str(message))
    return render_template("errors/error.html", code=code, message=message), code


def _plain(code: int, message: str):
    """A self-contained error page for when templates cannot be used."""
    page = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{code}</title></head>"
        f"<body><h1>{escape(message)}</h1></body></html>"
    )
    return page, code, {"Content-Type": "text/html; charset=utf-8"}


def _roll_back() -> None:
    """Roll back this request's database session so the error page can still use the database."""
    session = g.get("db_session")
    if session is None:
        return
    try:
        session.rollback()
    except Exception:  # the connection itself may be gone; the page must still render
        g.pop("db_session", None)


def init_app(app: Flask) -> None:
    """Register the handlers."""
    if hasattr(app, "error_processor"):  # APIFlask: its validation errors become problem details
        from portal.api.errors import from_apiflask

        app.error_processor(from_apiflask)

    @app.errorhandler(CSRFError)
    def _csrf(_exc: CSRFError):
        return _render(
            400,
            _l("Your form expired or was not sent from this site. Reload the page and try again."),
        )

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        code = exc.code or 500
        if code < 400:  # routing redirects are exceptions too
            return exc
        if request.path.startswith("/api/"):  # problem details, keeping headers such as Allow
            from portal.api.errors import from_http

            return from_http(exc)
        return _render(code, MESSAGES.get(code, exc.description or ""))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("Unhandled error", exc_info=exc)
        _roll_back()
        try:
            return _render(500, MESSAGES[500])
        except Exception:  # the error page itself failed: a plain page, still through after_request
            app.logger.exception("The error page failed too")
            return _plain(500, "Something went wrong on our side. Please try again later.")

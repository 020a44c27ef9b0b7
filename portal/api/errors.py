"""Problem details (RFC 9457) for every API error, with field errors for bad input."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Response, json, request
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from knowledge_base.errors import FieldError
from portal.requests.errors import ConflictError, TransitionError

PROBLEM_TYPE = "application/problem+json"


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem(
    status: int,
    detail: str = "",
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A problem-details response: type, title, status, detail, instance and optional field errors."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": _title(status),
        "status": status,
        "detail": detail or _title(status),
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def field_error(name: str, message: str, location: str = "json") -> dict[str, str]:
    """One entry of a problem's `errors` list."""
    pointer = f"#/{name}" if location == "json" and name else ""
    entry = {"field": name, "location": location, "detail": message}
    if pointer:
        entry["pointer"] = pointer
    return entry


def _flatten(detail: Any) -> list[dict[str, str]]:
    """APIFlask's {location: {field: [messages]}} as a flat list of field errors."""
    errors: list[dict[str, str]] = []
    if not isinstance(detail, dict):
        return errors
    for location, fields in detail.items():
        if not isinstance(fields, dict):
            errors.append(field_error("", str(fields), str(location)))
            continue
        for name, messages in fields.items():
            for message in _messages(messages):
                errors.append(field_error(str(name), message, str(location)))
    return errors


def _messages(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, dict):  # nested: {index or key: [messages]}
        return [f"{key}: {m}" for key, inner in value.items() for m in _messages(inner)]
    return [str(value)]


def from_apiflask(error: Any) -> Response:
    """APIFlask's HTTPError (input validation and its `abort`) as a problem."""
    errors = _flatten(error.detail) if error.status_code == 422 else []
    message = "The input is not valid." if errors else str(error.message or "")
    return problem(error.status_code, message, errors=errors, headers=dict(error.headers or {}))


#: Details for errors raised without an API-specific message (the web's wording speaks of pages).
API_MESSAGES = {
    400: "The request could not be understood.",
    403: "You may not do this.",
    404: "Not found (or not yours to see).",
    405: "This method is not allowed here; see the Allow header.",
    413: "The request body is too large.",
    429: "Too many requests with this token. Wait (see Retry-After) and retry.",
    500: "Something went wrong on our side. Please retry later.",
}


def _no_method_matches(exc: HTTPException) -> bool:
    """True when a 405 is werkzeug's answer for a URL no method really matches.

    Werkzeug reports 405 when a rule of another method matches the path's pattern, before the
    converters run: `/articles/99999999999/revisions` (an id past the column range) is a 405 for
    POST because the GET rule's pattern matched, though neither rule accepts the id.
    """
    from flask import current_app
    from werkzeug.exceptions import NotFound

    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in getattr(exc, "valid_methods", None) or ():
        try:
            adapter.match(method=method)
        except NotFound:
            continue
        except HTTPException:
            return False
        return False
    return True


def from_http(exc: HTTPException) -> Response:
    """A werkzeug HTTP exception (abort(404), 429 from the limiter, 405 ...) as a problem."""
    if exc.code == 405 and _no_method_matches(exc):
        from werkzeug.exceptions import NotFound

        exc = NotFound()
    code = exc.code or 500
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    if getattr(exc, "response", None) is not None:  # flask-limiter's 429 carries its Retry-After
        headers.update({k: v for k, v in exc.response.headers if k.lower().startswith(("retry", "x-rate"))})
    detail = exc.description if getattr(exc, "api_detail", False) else API_MESSAGES.get(code, exc.name)
    return problem(code, detail, headers=headers)


def from_field_error(exc: FieldError) -> Response:
    """A broken service rule: 409 for state conflicts, else 422 on the blamed field."""
    status = 409 if isinstance(exc, ConflictError | TransitionError) else 422
    errors = [field_error(exc.field, str(exc.message))] if exc.field else None
    return problem(status, str(exc.message), errors=errors)


def from_stale(_exc: StaleDataError) -> Response:
    """Two writers at once: the second is told to retry."""
    return problem(409, "Someone else changed this object at the same moment. Read it again and retry.")


def api_error(code: int, detail: str) -> HTTPException:
    """An HTTP exception whose `detail` is shown to the client as is."""
    from werkzeug.exceptions import default_exceptions

    exc = default_exceptions[code](description=detail)
    exc.api_detail = True  # type: ignore[attr-defined]
    return exc

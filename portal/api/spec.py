"""The OpenAPI document: APIFlask generates it from the views; this adds what decorators cannot say.

Added here, from the views themselves (so it cannot drift): bearer security and the scope each
operation needs, the `Idempotency-Key` header on idempotent writes, and the problem-details answers
(401, 403, 429 everywhere; 400, 404, 409, 422 where they can occur) with their media type.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from portal.api.errors import PROBLEM_TYPE
from portal.api.idempotency import HEADER, KEY_MAX

PREFIX = "/api/v1"
SPEC_PATH = f"{PREFIX}/openapi.json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "location", "detail"],
                "properties": {
                    "field": {"type": "string"},
                    "location": {"type": "string"},
                    "detail": {"type": "string"},
                    "pointer": {"type": "string"},
                },
            },
        },
    },
}
ALWAYS = {
    "400": "Malformed request (body, cursor, header) or a query parameter the operation does not take",
    "401": "Missing, unknown, expired or revoked token",
    "403": "The token lacks the scope, or the role may not do this",
    "429": "Rate limit of the token reached",
}
DESCRIPTION = """Shopkeeper's JSON API. Authenticate with a personal API token from your account page:
`Authorization: Bearer shk_...`. A token has scopes (read/write per area) and an expiry; what it may
do is also limited by its owner's role, exactly as on the web (another customer's objects are 404).

Lists use cursor pagination: pass `next_cursor` as `cursor` until it is null. Errors are RFC 9457
problem details (`application/problem+json`) with field errors. Writes accept an `Idempotency-Key`
header: a retry with the same key and body gets the first answer again instead of a second write."""


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_TYPE: {"schema": PROBLEM_REF}}}


def _fix_operation(operation: dict[str, Any], view: Any, method: str) -> None:
    responses = operation.setdefault("responses", {})
    for code, response in list(responses.items()):
        if code.startswith(("4", "5")):
            responses[code] = _problem(response.get("description", ""))
    for code, description in ALWAYS.items():
        responses.setdefault(code, _problem(description))
    if "requestBody" in operation or getattr(view, "_idempotent", False):
        responses.setdefault("422", _problem("Invalid input"))
        responses.setdefault("413", _problem("The body is too large"))
    operation["security"] = [{"bearerAuth": []}]
    scope = getattr(view, "_api_scope", None)
    if scope:
        operation["x-scope"] = scope
    if getattr(view, "_idempotent", False):
        operation.setdefault("parameters", []).append(
            {
                "name": HEADER,
                "in": "header",
                "required": False,
                "description": "Any unique string; a retry with the same key and body is answered once.",
                "schema": {"type": "string", "minLength": 1, "maxLength": KEY_MAX, "pattern": "^[!-~]+$"},
            }
        )
        responses.setdefault("409", _problem("A request with this Idempotency-Key is still running"))


def init_app(app: Flask) -> None:
    """Configure APIFlask's generator and register the processor that completes the document."""
    app.config.update(
        OPENAPI_VERSION="3.1.0",
        AUTO_SERVERS=False,
        DESCRIPTION=DESCRIPTION,
        INFO={"license": {"name": "MIT", "identifier": "MIT"}},
        SECURITY_SCHEMES={"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "shk_…"}},
    )

    @app.spec_processor  # type: ignore[attr-defined]
    def complete(spec: dict[str, Any]) -> dict[str, Any]:
        spec.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        for name in ("HTTPError", "ValidationError"):
            spec["components"]["schemas"].pop(name, None)
        paths = spec.get("paths", {})
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("api."):
                continue
            view = app.view_functions[rule.endpoint]
            item = paths.get(_openapi_path(rule.rule), {})
            for method in rule.methods or ():
                operation = item.get(method.lower())
                if operation is not None:
                    _fix_operation(operation, view, method)
        return spec

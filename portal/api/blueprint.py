"""The one API blueprint (`/api/v1`): token authentication, rate limit, problem errors, no CSRF.

Every resource module adds its views to this blueprint; one blueprint keeps the CSRF exemption,
the per-token rate limit and the error handlers in one place.
"""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask import current_app, request
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from knowledge_base.errors import FieldError
from portal.api import auth, errors
from portal.extensions import csrf, limiter

bp = APIBlueprint("api", __name__, url_prefix="/api/v1")


def declared_query(view: Any) -> set[str]:
    """The query parameters a view's input schemas declare."""
    names: set[str] = set()
    for schema, location in getattr(view, "_spec", {}).get("args", []):
        if location in ("query", "querystring"):
            fields = schema().fields if isinstance(schema, type) else schema.fields
            names |= {field.data_key or name for name, field in fields.items()}
    return names


def refuse_unknown_query() -> None:
    """A query parameter the operation does not take is a mistake (`?stauts=open`): 400, not ignored."""
    view = current_app.view_functions.get(request.endpoint or "")
    unknown = sorted(set(request.args) - declared_query(view))
    if unknown:
        raise errors.api_error(400, "Unknown query parameter: " + ", ".join(unknown)[:200])


bp.before_request(auth.authenticate)
bp.before_request(refuse_unknown_query)
bp.after_request(auth.record_write)
bp.register_error_handler(HTTPException, errors.from_http)
bp.register_error_handler(FieldError, errors.from_field_error)
bp.register_error_handler(StaleDataError, errors.from_stale)
csrf.exempt(bp)  # bearer tokens only: cookies never authenticate an API call
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=auth.rate_key)(bp)

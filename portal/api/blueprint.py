"""The one API blueprint (`/api/v1`): token authentication, rate limit, problem errors, no CSRF.

Every resource module adds its views to this blueprint; one blueprint keeps the CSRF exemption,
the per-token rate limit and the error handlers in one place.
"""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import current_app
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from knowledge_base.errors import FieldError
from portal.api import auth, errors
from portal.extensions import csrf, limiter

bp = APIBlueprint("api", __name__, url_prefix="/api/v1")

bp.before_request(auth.authenticate)
bp.after_request(auth.record_write)
bp.register_error_handler(HTTPException, errors.from_http)
bp.register_error_handler(FieldError, errors.from_field_error)
bp.register_error_handler(StaleDataError, errors.from_stale)
csrf.exempt(bp)  # bearer tokens only: cookies never authenticate an API call
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=auth.rate_key)(bp)

"""Per-user rate limits on new requests and replies (flask-limiter, keyed by user id)."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user

from portal.extensions import limiter


def user_key() -> str:
    """The logged-in user's id (so one account cannot spread its load over addresses), else the IP."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


def _configured(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


#: At most REQUEST_RATE_LIMIT new requests per customer.
new_requests = limiter.limit(_configured("REQUEST_RATE_LIMIT"), key_func=user_key, methods=["POST"])
#: At most REPLY_RATE_LIMIT replies per customer.
customer_replies = limiter.limit(_configured("REPLY_RATE_LIMIT"), key_func=user_key, methods=["POST"])
#: At most STAFF_RATE_LIMIT saves of the handling form (replies, notes, changes) per agent.
staff_saves = limiter.limit(_configured("STAFF_RATE_LIMIT"), key_func=user_key, methods=["POST"])

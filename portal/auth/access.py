"""Who may see what: role gates and the user loader."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from portal.db import get_session
from portal.models import Role, User


def load_user(session_id: str) -> User | None:
    """flask-login loader: the id carries the security stamp; inactive users are refused."""
    user_id, _, stamp = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = get_session().get(User, int(user_id))
    if user is None or not user.is_active or user.security_stamp != stamp:
        return None
    return user


def role_required(*roles: Role) -> Callable:
    """Decorate a view so that only logged-in users with one of `roles` (or admins) pass."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def require_role_for_blueprint(*roles: Role) -> Callable[[], None]:
    """A before_request hook that gates a whole blueprint by role."""

    def gate() -> None:
        if not current_user.is_authenticated:
            from portal.extensions import login_manager

            return login_manager.unauthorized()
        if not current_user.has_role(*roles):
            abort(403)
        return None

    return gate

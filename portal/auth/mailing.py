"""Account mails, sent off the request thread (see `portal.mail.defer`).

Each job gets only a user id and looks everything else up itself, so the view that
queues it does the same small amount of work whether or not the account exists.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal import mail, notify
from portal.auth import services
from portal.db import get_session
from portal.models import User


def _active_user(user_id: int) -> User | None:
    user = get_session().get(User, user_id)
    return user if user is not None and user.is_active else None


def _reset_link(user: User) -> str:
    config = current_app.config
    tokens = services.ResetTokens(config["SECRET_KEY"], config["PASSWORD_RESET_MAX_AGE"])
    return mail.external_url("auth.reset_password", token=tokens.make(user))


def send_reset_mail(user_id: int) -> None:
    """Mail a password reset link to an active account."""
    user = _active_user(user_id)
    if user is None:
        return
    notify.send_templated(
        user.email,
        user.locale,
        "reset_password",
        _l("Reset your Shopkeeper password"),
        user=user,
        link=_reset_link(user),
    )


def send_confirmation_mail(user_id: int) -> None:
    """Mail the link that finishes a registration (and logs the person in)."""
    user = _active_user(user_id)
    if user is None or user.email_confirmed_at is not None:
        return
    tokens = services.confirm_tokens(current_app.config["SECRET_KEY"], current_app.config["CONFIRM_MAX_AGE"])
    link = mail.external_url("auth.confirm", token=tokens.make(user))
    notify.send_templated(
        user.email,
        user.locale,
        "confirm_registration",
        _l("Finish creating your Shopkeeper account"),
        user=user,
        link=link,
    )


def send_already_registered_mail(user_id: int) -> None:
    """Tell the owner of an address that someone tried to register it again, with a reset link."""
    user = _active_user(user_id)
    if user is None:
        return
    notify.send_templated(
        user.email,
        user.locale,
        "already_registered",
        _l("Someone tried to register with your address"),
        user=user,
        link=_reset_link(user),
    )

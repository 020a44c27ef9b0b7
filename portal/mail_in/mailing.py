"""The mail a guest customer gets: their request is in, and a link to set a password."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal import mail, notify
from portal.auth.services import ResetTokens
from portal.db import get_session
from portal.models import ServiceRequest, User

GUEST_SALT = "guest-password"


def guest_tokens() -> ResetTokens:
    """Set-password tokens for guests: the reset machinery, under their own salt and a longer life."""
    days = current_app.config["MAIL_GUEST_LINK_DAYS"]
    return ResetTokens(current_app.config["SECRET_KEY"], days * 24 * 3600, salt=GUEST_SALT)


def send_guest_mail(user_id: int, reference: str) -> None:
    """Tell a new guest their request is in and how to follow it online."""
    db = get_session()
    user = db.get(User, user_id)
    request = db.query(ServiceRequest).filter_by(reference=reference).one_or_none()
    if user is None or not user.is_active or user.email_confirmed_at is not None or request is None:
        return
    link = mail.external_url("mail_in.welcome", token=guest_tokens().make(user))
    notify.send_templated(
        user.email,
        user.locale,
        "guest_welcome",
        _l("We received your request %(reference)s", reference=reference),
        user=user,
        request=request,
        link=link,
        days=current_app.config["MAIL_GUEST_LINK_DAYS"],
    )

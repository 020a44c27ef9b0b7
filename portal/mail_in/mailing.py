"""The link a guest customer gets to set a password (mailed with the acknowledgement of their request)."""

from __future__ import annotations

from flask import current_app

from portal import mail
from portal.auth.services import ResetTokens
from portal.models import User

GUEST_SALT = "guest-password"


def guest_tokens() -> ResetTokens:
    """Set-password tokens for guests: the reset machinery, under their own salt and a longer life."""
    days = current_app.config["MAIL_GUEST_LINK_DAYS"]
    return ResetTokens(current_app.config["SECRET_KEY"], days * 24 * 3600, salt=GUEST_SALT)


def guest_link(user: User) -> str:
    """The set-password link a guest gets in the acknowledgement of their first mailed request."""
    return mail.external_url("mail_in.welcome", token=guest_tokens().make(user))

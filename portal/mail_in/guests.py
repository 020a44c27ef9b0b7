"""The customer a mail comes from: an existing account, or a guest account made for the sender."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
from portal import audit
from portal.auth.services import create_user, find_user_by_email, normalise_email
from portal.mail_in.parse import ParsedMail
from portal.models import AuditLog, Role, User

GUEST_CREATED = "user.guest_created"


class TooManyGuests(Exception):
    """More new guests were made from mail in the last hour than PORTAL_MAIL_GUESTS_MAX_PER_HOUR."""


_POLISH = re.compile(r"[ąęłńśźżĄĘŁŃŚŹŻ]")
_CZECH = re.compile(r"[ěščřžůťďňĚŠČŘŽŮŤĎŇ]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def guess_locale(mail: ParsedMail, supported: tuple[str, ...]) -> str | None:
    """The language to write to a new guest in: Content-Language, else the letters of the mail."""
    declared = mail.header("Content-Language")[:2].lower()
    if declared in supported:
        return declared
    sample = mail.subject + " " + mail.text[:2000]
    for locale, letters in (("ru", _CYRILLIC), ("cs", _CZECH), ("pl", _POLISH)):
        if locale in supported and len(letters.findall(sample)) >= 2:
            return locale
    return None


def guest_customer(session: Session, mail: ParsedMail, config: Mapping[str, Any]) -> tuple[User, User | None]:
    """The sender's account, and the same account again when it was created just now (else None).

    A guest gets an unusable random password and an unconfirmed address: the mailed set-password
    link proves the mailbox and lets them in. Raises FieldError for an address we refuse,
    TooManyGuests past the hourly cap (PORTAL_MAIL_GUESTS_MAX_PER_HOUR).
    """
    email = normalise_email(mail.sender)
    user = find_user_by_email(session, email)
    if user is not None:
        return user, None
    since = utcnow() - timedelta(hours=1)
    made = session.scalar(
        select(func.count(AuditLog.id)).where(AuditLog.action == GUEST_CREATED, AuditLog.created_at >= since)
    )
    if (made or 0) >= config["MAIL_GUESTS_MAX_PER_HOUR"]:
        raise TooManyGuests()
    name = (mail.sender_name or email.split("@", 1)[0]).strip()[:120] or email
    user = create_user(
        session,
        email=email,
        name=name,
        password=secrets.token_urlsafe(32),
        role=Role.CUSTOMER,
        hash_params=config.get("ARGON2_PARAMS"),
        confirmed=False,
        locale=guess_locale(mail, tuple(config.get("SUPPORTED_LOCALES") or ())),
    )
    audit.record(session, GUEST_CREATED, target=email, via="email")
    return user, user

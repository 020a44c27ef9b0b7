"""Personal API tokens: create (the secret is shown once), authenticate, revoke.

A token reads `shk_<prefix>_<secret>`: the prefix (12 hex characters) finds the row, and only the
SHA-256 of the whole token is stored, so a copy of the database holds no usable token. The secret
is 32 random bytes; a slow password hash would add nothing against guessing it and would cost
every API call.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
from knowledge_base.errors import FieldError
from portal import access
from portal.models import ApiToken, User
from portal.requests.sla import as_aware

TOKEN_MARK = "shk"  # noqa: S105 (the tokens' visible mark, not a secret)
NAME_MAX = 80
#: Every scope, with what it lets a token do (the role still decides what the person may do).
SCOPES = {
    "requests:read": _l("Read requests, their messages and attachments"),
    "requests:write": _l("Raise requests, reply, and change requests"),
    "kb:read": _l("Read knowledge-base articles and categories"),
    "kb:write": _l("Write article revisions"),
    "kb:review": _l("Approve (publish) and send back article revisions"),
    "catalog:write": _l("Create and change categories"),
    "customers:read": _l("Read customers and their products"),
    "customers:write": _l("Create customers and register their products"),
    "marketing:read": _l("Read offers and link suggestions, scan texts with the linker"),
    "marketing:write": _l("Approve and reject link suggestions"),
    "kpis:read": _l("Read the support figures"),
    "orders:write": _l("Import order totals from an ERP"),
}
#: The area a scope belongs to; a person may only pick scopes of areas their role may use.
_SCOPE_AREAS = {
    "customers:read": access.Action.WORK_QUEUE,
    "customers:write": access.Action.WORK_QUEUE,
    "kpis:read": access.Action.WORK_QUEUE,
    "kb:write": access.Action.CURATE_KB,
    "kb:review": access.Action.REVIEW_KB,
    "catalog:write": access.Action.ADMINISTER,
    "orders:write": access.Action.ADMINISTER,
    "marketing:read": access.Action.MARKETING,
    "marketing:write": access.Action.MARKETING,
}
#: How long a new token may live, in days (the form's choices).
LIFETIMES = (7, 30, 90, 365)


@dataclass(frozen=True)
class NewToken:
    """A token just created: the row, and the secret to show once."""

    token: ApiToken
    secret: str


def scopes_for(user: User) -> list[str]:
    """The scopes `user` may give a token (those of areas their role can use)."""
    return [s for s in SCOPES if s not in _SCOPE_AREAS or access.allows(user, _SCOPE_AREAS[s])]


def hash_token(raw: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(
    session: Session, user: User, name: str, scopes: list[str], days: int, *, max_days: int
) -> NewToken:
    """A new token for `user`; FieldError when the name, scopes or lifetime are not allowed."""
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise FieldError(_l("Give the token a name of at most %(n)d characters.", n=NAME_MAX), field="name")
    allowed = scopes_for(user)
    if not scopes or any(s not in allowed for s in scopes):
        raise FieldError(_l("Choose at least one of the scopes offered."), field="scopes")
    if not 1 <= days <= max_days:
        raise FieldError(_l("A token may live from 1 to %(n)d days.", n=max_days), field="days")
    prefix = secrets.token_hex(6)
    raw = f"{TOKEN_MARK}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        user=user,
        name=name,
        prefix=prefix,
        secret_hash=hash_token(raw),
        scopes=sorted(set(scopes), key=list(SCOPES).index),
        created_at=utcnow(),
        expires_at=utcnow() + timedelta(days=days),
    )
    session.add(token)
    session.flush()
    return NewToken(token, raw)


def parse(raw: str) -> str | None:
    """The lookup prefix of a well-formed token, else None."""
    mark, _, rest = raw.partition("_")
    prefix, _, secret = rest.partition("_")
    if mark != TOKEN_MARK or len(prefix) != 12 or not secret or len(raw) > 200:
        return None
    return prefix if all(c in "0123456789abcdef" for c in prefix) else None


def authenticate(session: Session, raw: str) -> ApiToken | None:
    """The live token `raw` stands for (known, not revoked, not expired, owner active), else None."""
    prefix = parse(raw)
    if prefix is None:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.prefix == prefix))
    if token is None or not hmac.compare_digest(token.secret_hash, hash_token(raw)):
        return None
    if token.revoked_at is not None or as_aware(token.expires_at) <= utcnow():
        return None
    if not token.user.is_active:
        return None
    return token


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens, newest first (revoked and expired ones included, for the record)."""
    return list(
        session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc()))
    )


def revoke(session: Session, user: User, token_id: int) -> ApiToken | None:
    """Revoke one of `user`'s own tokens; None if they have no such token."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        return None
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token


def is_live(token: ApiToken) -> bool:
    """Neither revoked nor expired."""
    return token.revoked_at is None and as_aware(token.expires_at) > utcnow()

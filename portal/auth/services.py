"""Account rules: registration, authentication, password reset and changes.

Services take the session first and never commit; the caller commits once.
"""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
from portal import audit
from portal.auth.passwords import burn_verification_time, hash_password, verify_password
from portal.models import Role, User
from portal.models.users import new_security_stamp

RESET_SALT = "password-reset"


class AccountError(ValueError):
    """A rule about accounts was broken; `field` names the form field to blame."""

    def __init__(self, message: object, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def normalise_email(raw: str) -> str:
    """Validate an address and return it normalised (lower-case domain and local part)."""
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise AccountError(_l("Enter a valid email address."), field="email") from exc
    return result.normalized.lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    """Return the user with this (normalised) email, or None."""
    return session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    role: Role = Role.CUSTOMER,
    hash_params: dict | None = None,
    **attributes: object,
) -> User:
    """Create an account; raises AccountError if the email is taken."""
    email = normalise_email(email)
    if find_user_by_email(session, email) is not None:
        raise AccountError(_l("An account with this email already exists."), field="email")
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password, hash_params),
        role=role,
        **attributes,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str, hash_params: dict | None = None) -> User | None:
    """Return the active user for these credentials and audit the attempt."""
    try:
        email = normalise_email(email)
    except AccountError:
        email = email.strip().lower()
    user = find_user_by_email(session, email)
    if user is None or not user.is_active:
        burn_verification_time(password, hash_params)
        audit.record(session, "login.failed", target=email[:255])
        return None
    if not verify_password(user.password_hash, password, hash_params):
        audit.record(session, "login.failed", actor=user, target=user.email)
        return None
    user.last_login_at = utcnow()
    audit.record(session, "login", actor=user, target=user.email)
    return user


def set_password(session: Session, user: User, password: str, hash_params: dict | None) -> None:
    """Set a new password and end every other session of the user."""
    user.password_hash = hash_password(password, hash_params)
    user.security_stamp = new_security_stamp()


def change_password(
    session: Session, user: User, current: str, new: str, hash_params: dict | None = None
) -> None:
    """Change a password after checking the current one."""
    if not verify_password(user.password_hash, current, hash_params):
        raise AccountError(_l("The current password is not correct."), field="current_password")
    set_password(session, user, new, hash_params)
    audit.record(session, "password.changed", actor=user, target=user.email)


@dataclass(frozen=True)
class ResetTokens:
    """Signs and checks single-use, expiring password reset tokens."""

    secret_key: str
    max_age: int = 3600

    def _serializer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret_key, salt=RESET_SALT)

    def make(self, user: User) -> str:
        """A token bound to the user's current stamp: it dies when the password changes."""
        return self._serializer().dumps({"uid": user.id, "stamp": user.security_stamp})

    def user_for(self, session: Session, token: str) -> User | None:
        """Return the user a valid, unused, unexpired token was made for, else None."""
        try:
            data = self._serializer().loads(token, max_age=self.max_age)
        except (SignatureExpired, BadSignature):
            return None
        user = session.get(User, data.get("uid"))
        if user is None or not user.is_active or user.security_stamp != data.get("stamp"):
            return None
        return user

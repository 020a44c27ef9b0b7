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
from knowledge_base.errors import FieldError
from portal import audit
from portal.auth.identity import clean_name, has_mixed_script_label, split_address
from portal.auth.passwords import burn_verification_time, hash_password, verify_password
from portal.models import Role, User
from portal.models.users import new_security_stamp
from portal.webhooks import events as webhooks

RESET_SALT = "password-reset"
CONFIRM_SALT = "confirm-email"


def normalise_email(raw: str) -> str:
    """Validate an address and return its one stored form.

    NFKC, no control/format characters, IDNA dots, lower case; a domain label that
    mixes scripts (Latin with Cyrillic, ...) is refused as a likely look-alike.
    """
    local, domain = split_address(raw or "")
    if has_mixed_script_label(domain):
        raise FieldError(
            _l("The domain of this address mixes different alphabets. Check how it is spelled."), "email"
        )
    try:
        result = validate_email(f"{local}@{domain}", check_deliverability=False)
    except EmailNotValidError as exc:
        raise FieldError(_l("Enter a valid email address."), "email") from exc
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
    confirmed: bool = True,
    **attributes: object,
) -> User:
    """Create an account; raises FieldError if the email is taken.

    Self-registered customers start unconfirmed (`confirmed=False`) until they open the mailed link;
    accounts made by staff, the CLI or the demo seed are confirmed.
    """
    email = normalise_email(email)
    if find_user_by_email(session, email) is not None:
        raise FieldError(_l("An account with this email already exists."), "email")
    user = User(
        email=email,
        name=clean_name(name),
        password_hash=hash_password(password, hash_params),
        role=role,
        email_confirmed_at=utcnow() if confirmed else None,
        **attributes,
    )
    session.add(user)
    session.flush()
    if role == Role.CUSTOMER:
        webhooks.customer_created(session, user)
    return user


def register(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    hash_params: dict | None = None,
    locale: str | None = None,
) -> tuple[str, int]:
    """Self-registration that answers the same whether or not the address has an account.

    Both paths hash the password and write one audit row; the caller commits and then
    queues the returned mail job (a `portal.auth.mailing` function name) for the user id:
    a confirmation link for a new account, a "someone tried to register" mail for the owner.
    """
    email = normalise_email(email)
    password_hash = hash_password(password, hash_params)
    existing = find_user_by_email(session, email)
    if existing is not None:
        audit.record(session, "user.registration_repeated", target=email)
        return "send_already_registered_mail", existing.id
    user = User(
        email=email,
        name=clean_name(name),
        password_hash=password_hash,
        role=Role.CUSTOMER,
        locale=locale,
        email_confirmed_at=None,
    )
    session.add(user)
    session.flush()
    audit.record(session, "user.registered", actor=user, target=user.email)
    webhooks.customer_created(session, user)
    return "send_confirmation_mail", user.id


def request_reset(session: Session, raw_email: str) -> int:
    """Record a reset request; returns the user id to mail (0 when nobody has the address).

    The same lookup and one audit row either way, so the answer does not reveal the account.
    """
    email = lookup_email(raw_email)
    user = find_user_by_email(session, email)
    known = user is not None and user.is_active
    audit.record(session, "password.reset_requested", actor=user if known else None, target=email[:255])
    return user.id if known else 0


def authenticate(session: Session, email: str, password: str, hash_params: dict | None = None) -> User | None:
    """Return the active user for these credentials and audit the attempt."""
    email = lookup_email(email)
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


def lookup_email(raw: str) -> str:
    """The stored form of an address for a lookup; a malformed one is only cleaned (it finds nobody)."""
    try:
        return normalise_email(raw)
    except FieldError:
        local, domain = split_address(raw or "")
        return f"{local}@{domain}".lower()[:254] if domain else local.lower()[:254]


def set_password(session: Session, user: User, password: str, hash_params: dict | None) -> None:
    """Set a new password and end every other session of the user."""
    user.password_hash = hash_password(password, hash_params)
    user.security_stamp = new_security_stamp()


def end_sessions(session: Session, user: User) -> None:
    """Rotate the security stamp: every session and remember-me cookie of the user stops working."""
    user.security_stamp = new_security_stamp()


def confirm_email(session: Session, user: User) -> None:
    """Mark the address as confirmed (the person opened a mailed link) and spend the link."""
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        audit.record(session, "user.confirmed", actor=user, target=user.email)
    end_sessions(session, user)


def change_password(
    session: Session, user: User, current: str, new: str, hash_params: dict | None = None
) -> None:
    """Change a password after checking the current one."""
    if not verify_password(user.password_hash, current, hash_params):
        raise FieldError(_l("The current password is not correct."), "current_password")
    set_password(session, user, new, hash_params)
    audit.record(session, "password.changed", actor=user, target=user.email)


@dataclass(frozen=True)
class ResetTokens:
    """Signs and checks single-use, expiring password reset tokens."""

    secret_key: str
    max_age: int = 3600
    salt: str = RESET_SALT

    def _serializer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret_key, salt=self.salt)

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


def confirm_tokens(secret_key: str, max_age: int) -> ResetTokens:
    """Tokens of the registration link: bound to the stamp like reset tokens, under their own salt."""
    return ResetTokens(secret_key, max_age, salt=CONFIRM_SALT)

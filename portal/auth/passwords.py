"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

#: Longest password accepted anywhere; longer input is refused before any hashing (argon2 CPU cost).
MAX_PASSWORD_LENGTH = 1024


@cache
def _hasher(time_cost: int, memory_cost: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)


def hasher(params: dict | None = None) -> PasswordHasher:
    """Return an argon2id hasher; tests may pass cheaper parameters."""
    params = params or {}
    return _hasher(params.get("time_cost", 3), params.get("memory_cost", 65536))


def hash_password(password: str, params: dict | None = None) -> str:
    """Hash a password with argon2id (refuses one longer than MAX_PASSWORD_LENGTH)."""
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError("password longer than MAX_PASSWORD_LENGTH")
    return hasher(params).hash(password)


def verify_password(password_hash: str, password: str, params: dict | None = None) -> bool:
    """True when `password` matches `password_hash`; never raises on a bad hash or an overlong password."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return hasher(params).verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def common_passwords() -> frozenset[str]:
    """The list of passwords too common to accept (lower-cased)."""
    text = resources.files("portal.data").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def password_problems(password: str, min_length: int, *, email: str = "", name: str = "") -> list:
    """Return the reasons a password is refused (empty when it is acceptable)."""
    problems = []
    if len(password) > MAX_PASSWORD_LENGTH:
        return [_l("Use at most %(n)d characters.", n=MAX_PASSWORD_LENGTH)]
    if len(password) < min_length:
        problems.append(_l("Use at least %(n)d characters.", n=min_length))
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) <= 2:
        problems.append(_l("This password is too common; choose another."))
    local = email.split("@")[0].lower()
    if (local and len(local) >= 4 and local in lowered) or (name and lowered == name.lower()):
        problems.append(_l("The password must not contain your name or email."))
    return problems


@cache
def _dummy_hash(time_cost: int, memory_cost: int) -> str:
    return _hasher(time_cost, memory_cost).hash("not-a-real-password")


def burn_verification_time(password: str, params: dict | None = None) -> None:
    """Verify against a dummy hash so unknown accounts take as long as known ones."""
    params = params or {}
    dummy = _dummy_hash(params.get("time_cost", 3), params.get("memory_cost", 65536))
    verify_password(dummy, password, params)

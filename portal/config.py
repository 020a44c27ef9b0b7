"""Settings from the environment: the one place configuration is read."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

SUPPORTED_LOCALES = ("en", "pl", "cs", "ru")
DEFAULT_LOCALE = "en"


class ConfigurationError(RuntimeError):
    """Raised when the portal cannot start with the given configuration."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _dev_secret(instance: Path) -> str:
    """Return the development secret kept in the instance folder, creating it once."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def load_settings(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the Flask config mapping from environment variables and overrides."""
    overrides = dict(overrides or {})
    instance = Path(overrides.pop("INSTANCE_PATH", None) or _env("PORTAL_INSTANCE", "instance"))
    instance = instance.resolve()
    instance.mkdir(parents=True, exist_ok=True)
    env = overrides.get("ENV") or _env("PORTAL_ENV", "development")
    testing = bool(overrides.get("TESTING"))

    secret = overrides.pop("SECRET_KEY", None) or _env("PORTAL_SECRET_KEY")
    if not secret:
        if env == "production":
            raise ConfigurationError(
                "PORTAL_SECRET_KEY is not set. In production the portal refuses to start "
                "without a real secret key: sessions and reset links would be forgeable. "
                "Set PORTAL_SECRET_KEY to a long random value (e.g. "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
            )
        secret = _dev_secret(instance)
    if env == "production" and len(secret) < 32:
        raise ConfigurationError("PORTAL_SECRET_KEY is too short: use at least 32 characters.")

    redis_url = _env("PORTAL_REDIS_URL")
    settings: dict[str, Any] = {
        "ENV": env,
        "SECRET_KEY": secret,
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": _env("PORTAL_DATABASE_URL", f"sqlite:///{instance / 'portal.db'}"),
        "MAIL_URL": _env("PORTAL_MAIL_URL", f"outbox://{instance / 'outbox'}"),
        "MAIL_FROM": _env("PORTAL_MAIL_FROM", "Shopkeeper <no-reply@shopkeeper.example>"),
        "REDIS_URL": redis_url,
        "SEARCH_BACKEND": _env("PORTAL_SEARCH", "whoosh"),
        "BASE_URL": _env("PORTAL_BASE_URL"),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": _env("PORTAL_LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        "RESET_RATE_LIMIT": _env("PORTAL_RESET_RATE_LIMIT", "5 per minute;20 per hour"),
        "PASSWORD_RESET_MAX_AGE": 3600,
        "PASSWORD_MIN_LENGTH": 10,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": env == "production",
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": DEFAULT_LOCALE,
        "SUPPORTED_LOCALES": SUPPORTED_LOCALES,
        "MAX_CONTENT_LENGTH": 60 * 1024 * 1024,
        "ATTACHMENT_MAX_BYTES": int(float(_env("PORTAL_ATTACHMENT_MAX_MB", "10")) * 1_000_000),
        "REQUEST_ATTACHMENTS_MAX_BYTES": int(
            float(_env("PORTAL_REQUEST_ATTACHMENTS_MAX_MB", "25")) * 1_000_000
        ),
        "REOPEN_DAYS": int(_env("PORTAL_REOPEN_DAYS", "14")),
        "OFFER_SUPPRESSION_DAYS": int(_env("PORTAL_OFFER_SUPPRESSION_DAYS", "14")),
        "ANONYMOUS_OFFER_LINKS": _env("PORTAL_ANONYMOUS_OFFER_LINKS", "0") == "1",
        "KB_FOUR_EYES": _env("PORTAL_KB_FOUR_EYES", "0") == "1",
        "ARGON2_PARAMS": {},
        "TESTING": testing,
    }
    settings.update(overrides)
    return settings

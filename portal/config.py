"""Settings from the environment: the one place configuration is read."""

from __future__ import annotations

import math
import os
import re
import secrets
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from knowledge_base.locales import DEFAULT_LOCALE, LOCALES

SUPPORTED_LOCALES = LOCALES
DEV_BASE_URL = "http://127.0.0.1:5000"
#: Hosts every non-production instance answers to (the test client's `localhost`, the dev server).
LOCAL_HOSTS = ("localhost", "127.0.0.1")
#: Bodies of ordinary forms; only the upload endpoints accept up to MAX_CONTENT_LENGTH.
FORM_MAX_BYTES = 1024 * 1024
#: Estimated bits of entropy a production secret key needs (token_urlsafe(48) has ~350).
SECRET_MIN_BITS = 128


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
    if env == "production":
        check_secret_key(secret)

    redis_url = _env("PORTAL_REDIS_URL")
    base_url = base_url_setting(overrides.pop("BASE_URL", None) or _env("PORTAL_BASE_URL"), env)
    workers = worker_count()
    if env == "production" and workers > 1 and not redis_url:
        raise ConfigurationError(
            f"{workers} web workers are configured (WEB_CONCURRENCY / PORTAL_WORKERS) but PORTAL_REDIS_URL "
            "is not set: each worker would keep its own rate-limit counters, multiplying every limit. "
            "Set PORTAL_REDIS_URL (e.g. redis://cache:6379/0) or run a single worker."
        )
    settings: dict[str, Any] = {
        "ENV": env,
        "SECRET_KEY": secret,
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": _env("PORTAL_DATABASE_URL", f"sqlite:///{instance / 'portal.db'}"),
        "MAIL_URL": _env("PORTAL_MAIL_URL", f"outbox://{instance / 'outbox'}"),
        "MAIL_FROM": _env("PORTAL_MAIL_FROM", "Shopkeeper <no-reply@shopkeeper.example>"),
        "MAIL_DOMAIN": _env("PORTAL_MAIL_DOMAIN", urlsplit(base_url).hostname or "localhost"),
        "SUPPORT_ADDRESS": _env(
            "PORTAL_SUPPORT_ADDRESS", f"support@{_env('PORTAL_MAIL_DOMAIN', urlsplit(base_url).hostname)}"
        ),
        "SUPPORT_PLUS_ADDRESS": _env("PORTAL_SUPPORT_PLUS_ADDRESS", "0") == "1",
        "OUTBOX_MAX_ATTEMPTS": _int_setting("PORTAL_OUTBOX_MAX_ATTEMPTS", "12"),
        "OUTBOX_RETRY_SECONDS": _int_setting("PORTAL_OUTBOX_RETRY_SECONDS", "60"),
        "CUSTOMER_PRIORITIES": _env("PORTAL_CUSTOMER_PRIORITIES", "low,normal"),
        "REDIS_URL": redis_url,
        "SEARCH_BACKEND": _env("PORTAL_SEARCH", "whoosh"),
        "BASE_URL": base_url,
        "TRUSTED_HOSTS": trusted_hosts(base_url, _env("PORTAL_TRUSTED_HOSTS", ""), env),
        "PROXY_HOPS": _int_setting("PORTAL_PROXY_HOPS", "0"),
        "WORKERS": workers,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": _env("PORTAL_LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        "RESET_RATE_LIMIT": _env("PORTAL_RESET_RATE_LIMIT", "5 per minute;20 per hour"),
        "RESET_MAIL_LIMIT": _env("PORTAL_RESET_MAIL_LIMIT", "3 per hour;10 per day"),
        "REGISTER_RATE_LIMIT": _env("PORTAL_REGISTER_RATE_LIMIT", "5 per minute;30 per hour"),
        "CONFIRM_MAX_AGE": 3 * 24 * 3600,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=_int_setting("PORTAL_SESSION_HOURS", "12")),
        "REMEMBER_COOKIE_DURATION": timedelta(days=_int_setting("PORTAL_REMEMBER_DAYS", "14")),
        "VIEW_FLUSH_SECONDS": _int_setting("PORTAL_VIEW_FLUSH_SECONDS", "30"),
        # logged-in users kept per worker between requests (portal/identity_cache.py); 0: off
        "USER_CACHE_SECONDS": _int_setting("PORTAL_USER_CACHE_SECONDS", "60"),
        "IMPRESSION_FLUSH_SECONDS": _int_setting("PORTAL_IMPRESSION_FLUSH_SECONDS", "10"),
        "SEARCH_LOG_FLUSH_SECONDS": _int_setting("PORTAL_SEARCH_LOG_FLUSH_SECONDS", "10"),
        "VOTE_RATE_LIMIT": _env("PORTAL_VOTE_RATE_LIMIT", "10 per hour"),
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
        "FORM_MAX_BYTES": FORM_MAX_BYTES,
        "MAX_FORM_MEMORY_SIZE": 500_000,
        "ATTACHMENT_MAX_BYTES": int(float(_env("PORTAL_ATTACHMENT_MAX_MB", "10")) * 1_000_000),
        "REQUEST_ATTACHMENTS_MAX_BYTES": int(
            float(_env("PORTAL_REQUEST_ATTACHMENTS_MAX_MB", "25")) * 1_000_000
        ),
        "ATTACHMENT_MAX_FILES": int(_env("PORTAL_ATTACHMENT_MAX_FILES", "5")),
        "KB_IMAGE_MAX_BYTES": int(float(_env("PORTAL_KB_IMAGE_MAX_MB", "5")) * 1_000_000),
        "KB_IMAGE_MAX_PIXELS": _int_setting("PORTAL_KB_IMAGE_MAX_PIXELS", "40000000"),
        "KB_IMAGE_MAX_SIDE": _int_setting("PORTAL_KB_IMAGE_MAX_SIDE", "1600"),
        "DEFAULT_TIMEZONE": _env("PORTAL_DEFAULT_TIMEZONE", "UTC"),
        "REOPEN_DAYS": int(_env("PORTAL_REOPEN_DAYS", "14")),
        "MESSAGE_MAX_CHARS": int(_env("PORTAL_MESSAGE_MAX_CHARS", "20000")),
        "MAIL_SENDER_MAX_PER_HOUR": _int_setting("PORTAL_MAIL_SENDER_MAX_PER_HOUR", "30"),
        "MAIL_GUESTS_MAX_PER_HOUR": _int_setting("PORTAL_MAIL_GUESTS_MAX_PER_HOUR", "100"),
        "MAIL_MAX_BYTES": max(_int_setting("PORTAL_MAIL_MAX_MB", "50"), 1) * 1_000_000,
        "MAIL_POLL_SECONDS": max(_int_setting("PORTAL_MAIL_POLL_SECONDS", "60"), 10),
        "MAIL_GUEST_LINK_DAYS": max(_int_setting("PORTAL_MAIL_GUEST_LINK_DAYS", "7"), 1),
        "MAIL_IMAP_CA_FILE": _env("PORTAL_MAIL_IMAP_CA_FILE"),
        "MAIL_IMAP_TIMEOUT": _int_setting("PORTAL_MAIL_IMAP_TIMEOUT", "30"),
        "MAIL_EXCERPT_CHARS": int(_env("PORTAL_MAIL_EXCERPT_CHARS", "2000")),
        "REQUEST_RATE_LIMIT": _env("PORTAL_REQUEST_RATE_LIMIT", "5 per minute;30 per day"),
        "REPLY_RATE_LIMIT": _env("PORTAL_REPLY_RATE_LIMIT", "10 per minute;200 per day"),
        "STAFF_RATE_LIMIT": _env("PORTAL_STAFF_RATE_LIMIT", "30 per minute;2000 per day"),
        "OFFER_SUPPRESSION_DAYS": int(_env("PORTAL_OFFER_SUPPRESSION_DAYS", "14")),
        # customer classification: value sources joined with "+", and the window they sum over
        "CUSTOMER_VALUE_SOURCE": _env("PORTAL_CUSTOMER_VALUE_SOURCE", "products+orders"),
        "CUSTOMER_VALUE_WINDOW_DAYS": int(_env("PORTAL_CUSTOMER_VALUE_WINDOW_DAYS", "730")),
        "ANONYMOUS_OFFER_LINKS": _env("PORTAL_ANONYMOUS_OFFER_LINKS", "0") == "1",
        "KB_FOUR_EYES": _env("PORTAL_KB_FOUR_EYES", "0") == "1",
        "WEBHOOK_TIMEOUT": float(_env("PORTAL_WEBHOOK_TIMEOUT", "5")),
        "WEBHOOK_SEND_AFTER_COMMIT": _env("PORTAL_WEBHOOK_SEND_AFTER_COMMIT", "1") == "1",
        "RETENTION_MONTHS": _int_setting("PORTAL_RETENTION_MONTHS", "0") or None,
        "EXPORT_RATE_LIMIT": _env("PORTAL_EXPORT_RATE_LIMIT", "5 per hour;20 per day"),
        "INSIGHTS_WORK_MEM": memory_setting("PORTAL_INSIGHTS_WORK_MEM", "64MB"),
        "API_RATE_LIMIT": _env("PORTAL_API_RATE_LIMIT", "120 per minute;5000 per hour"),
        "API_TOKEN_MAX_DAYS": _int_setting("PORTAL_API_TOKEN_MAX_DAYS", "365"),
        "API_IDEMPOTENCY_HOURS": _int_setting("PORTAL_API_IDEMPOTENCY_HOURS", "24"),
        "ARGON2_PARAMS": {},
        "TESTING": testing,
    }
    settings.update(overrides)
    return settings


def _int_setting(name: str, default: str) -> int:
    """An integer environment variable, with a clear error when it is not one."""
    raw = _env(name, default) or default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}.") from None
    if value < 0:
        raise ConfigurationError(f"{name} must not be negative.")
    return value


def memory_setting(name: str, default: str) -> str:
    """A PostgreSQL memory size such as 64MB (kB, MB or GB), with a clear error otherwise."""
    raw = (_env(name, default) or default).strip()
    if not re.fullmatch(r"[1-9][0-9]{0,6}(kB|MB|GB)", raw):
        raise ConfigurationError(
            f"{name} must be a size like 64MB (a number, then kB, MB or GB), not {raw!r}."
        )
    return raw


def worker_count() -> int:
    """How many web worker processes share this configuration (PORTAL_WORKERS, else WEB_CONCURRENCY)."""
    if _env("PORTAL_WORKERS"):
        return max(_int_setting("PORTAL_WORKERS", "1"), 1)
    return max(_int_setting("WEB_CONCURRENCY", "1"), 1)


def base_url_setting(raw: str | None, env: str) -> str:
    """The public address every mailed link starts with; required in production."""
    if not raw:
        if env == "production":
            raise ConfigurationError(
                "PORTAL_BASE_URL is not set. In production every link in a mail is built from it "
                "(never from the request's Host header): set it to the public address, "
                "e.g. https://help.example.com."
            )
        raw = DEV_BASE_URL
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ConfigurationError(
            f"PORTAL_BASE_URL must look like https://help.example.com[/prefix], not {raw!r}."
        )
    if env == "production" and parts.scheme != "https":
        raise ConfigurationError("PORTAL_BASE_URL must use https in production.")
    return raw.strip().rstrip("/")


def trusted_hosts(base_url: str, extra: str, env: str) -> list[str]:
    """Host names requests may carry: the base URL's, PORTAL_TRUSTED_HOSTS, local ones outside production."""
    hosts = [urlsplit(base_url).hostname or ""]
    hosts += [h.strip().lower() for h in extra.split(",") if h.strip()]
    if env != "production":
        hosts += LOCAL_HOSTS
    return list(dict.fromkeys(h for h in hosts if h))


def estimated_entropy_bits(secret: str) -> float:
    """A pessimistic guess of a key's entropy: per-character Shannon entropy times its length."""
    if not secret:
        return 0.0
    counts = Counter(secret)
    per_char = -sum(n / len(secret) * math.log2(n / len(secret)) for n in counts.values())
    return per_char * len(secret)


def _is_repetition(text: str) -> bool:
    """True when `text` is a shorter string repeated ("abcabcabc")."""
    return len(text) > 1 and text in (text + text)[1:-1]


def check_secret_key(secret: str) -> None:
    """Refuse a production key that is short, blank-padded, repetitive or otherwise low in entropy."""
    if len(secret.strip()) < 32 or secret != secret.strip():
        raise ConfigurationError(
            "PORTAL_SECRET_KEY is too short: use at least 32 random characters without surrounding spaces."
        )
    if _is_repetition(secret) or estimated_entropy_bits(secret) < SECRET_MIN_BITS:
        raise ConfigurationError(
            "PORTAL_SECRET_KEY looks guessable (too few distinct characters or a repeated pattern). "
            "Use a random value: `python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
        )

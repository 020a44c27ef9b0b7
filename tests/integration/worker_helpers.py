"""A second portal on the test database, standing for another gunicorn worker."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from flask import Flask

from portal import create_app
from portal.extensions import limiter
from tests.conftest import CHEAP_ARGON2

REDIS_URL = "redis://127.0.0.1:6379/13"


def same_portal_settings(app: Flask) -> dict:
    """Settings of another portal on `app`'s database, instance folder, secret key and mail server."""
    return {
        "TESTING": True,
        "INSTANCE_PATH": app.config["INSTANCE_PATH"],
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "ARGON2_PARAMS": CHEAP_ARGON2,
        "MAIL_URL": app.config["MAIL_URL"],
    }


@contextlib.contextmanager
def another_worker(app: Flask) -> Iterator[Flask]:
    """A portal on `app`'s database, instance folder and secret key: another worker process."""
    saved = dict(limiter.__dict__)  # another app re-binds the one global limiter
    other = create_app(same_portal_settings(app))
    other.test_client_class = app.test_client_class
    try:
        yield other
    finally:
        for batched in ("link_impressions", "kb_search_logs", "kb_view_counts"):  # die with the test
            pending_rows = other.extensions.pop(batched, None)
            if pending_rows is not None:
                pending_rows.take()
        other.extensions["db_engine"].dispose()
        limiter.__dict__.clear()
        limiter.__dict__.update(saved)


def share_redis(*apps: Flask) -> None:
    """Give every app the same Redis cache (skips the test without a Redis at 127.0.0.1:6379);
    the clean-up fixture drops the test app's."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    from portal.cache import RedisCache

    for app in apps:
        app.extensions["cache"] = RedisCache(REDIS_URL)


def on_other_worker(client, other: Flask):
    """A client of `other` carrying `client`'s session cookie (the browser's next request lands
    on the other worker)."""
    moved = other.test_client()
    cookie = client.get_cookie("session")
    if cookie is not None:
        moved.set_cookie("session", cookie.value)
    return moved

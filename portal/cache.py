"""A small shared cache: Redis when PORTAL_REDIS_URL is set (shared by every web host),
otherwise a bounded in-process dictionary."""

from __future__ import annotations

import contextlib

from flask import Flask, current_app

MEMORY_LIMIT = 5000
TTL_SECONDS = 24 * 3600


class MemoryCache:
    def __init__(self) -> None:
        self._items: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self._items.get(key)

    def set(self, key: str, value: str) -> None:
        if len(self._items) >= MEMORY_LIMIT:
            self._items.clear()
        self._items[key] = value


class RedisCache:
    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=2)

    def get(self, key: str) -> str | None:
        import redis

        try:
            value = self._redis.get(key)
        except redis.RedisError:
            return None  # a cache outage must not break pages
        return value.decode() if value is not None else None

    def set(self, key: str, value: str) -> None:
        import redis

        with contextlib.suppress(redis.RedisError):  # a cache outage must not break pages
            self._redis.set(key, value, ex=TTL_SECONDS)


def cache(app: Flask | None = None) -> MemoryCache | RedisCache:
    """The app's cache, created on first use."""
    app = app or current_app
    if "cache" not in app.extensions:
        url = app.config.get("REDIS_URL")
        app.extensions["cache"] = RedisCache(url) if url else MemoryCache()
    return app.extensions["cache"]

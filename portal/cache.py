"""A small shared cache: Redis when PORTAL_REDIS_URL is set (shared by every web host),
otherwise a bounded in-process dictionary.

A Redis outage never breaks a page: the cache degrades to *no cache* (every read is a miss,
every write is dropped), a warning is logged once when Redis goes away and once when it is back,
and while it is away Redis is tried again at most every ``RETRY_SECONDS`` (so pages do not wait
for a connection timeout each time).
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask, current_app

MEMORY_LIMIT = 5000
TTL_SECONDS = 24 * 3600
RETRY_SECONDS = 5.0
CONNECT_TIMEOUT = 0.5
SOCKET_TIMEOUT = 1.0

log = logging.getLogger("portal.cache")


class MemoryCache:
    def __init__(self) -> None:
        self._items: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self._items.get(key)

    def set(self, key: str, value: str) -> None:
        if len(self._items) >= MEMORY_LIMIT:
            self._items.clear()
        self._items[key] = value


class Breaker:
    """Remembers that a service failed and when to try it again; logs each change of state."""

    def __init__(self, name: str, retry_seconds: float = RETRY_SECONDS, clock=time.monotonic) -> None:
        self.name = name
        self.retry_seconds = retry_seconds
        self._clock = clock
        self._down_until: float | None = None
        self._lock = threading.Lock()

    @property
    def down(self) -> bool:
        """True while the service failed recently (no call should be tried)."""
        return self._down_until is not None and self._clock() < self._down_until

    def failed(self, exc: BaseException, consequence: str) -> None:
        """Record a failure; the first one of an outage is logged as a warning."""
        with self._lock:
            first = self._down_until is None
            self._down_until = self._clock() + self.retry_seconds
        if first:
            log.warning("%s is unavailable (%s): %s", self.name, exc, consequence)

    def succeeded(self) -> None:
        """Record a success; logs the recovery after an outage."""
        if self._down_until is None:
            return
        with self._lock:
            was_down, self._down_until = self._down_until is not None, None
        if was_down:
            log.warning("%s is available again.", self.name)


class RedisCache:
    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(
            url, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=CONNECT_TIMEOUT
        )
        self.breaker = Breaker("Redis (cache)")

    def get(self, key: str) -> str | None:
        import redis

        if self.breaker.down:
            return None
        try:
            value = self._redis.get(key)
        except redis.RedisError as exc:
            self.breaker.failed(exc, "pages are served without the cache until it is back")
            return None
        self.breaker.succeeded()
        return value.decode() if value is not None else None

    def set(self, key: str, value: str) -> None:
        import redis

        if self.breaker.down:
            return
        try:
            self._redis.set(key, value, ex=TTL_SECONDS)
        except redis.RedisError as exc:
            self.breaker.failed(exc, "pages are served without the cache until it is back")
            return
        self.breaker.succeeded()


def cache(app: Flask | None = None) -> MemoryCache | RedisCache:
    """The app's cache, created on first use."""
    app = app or current_app
    if "cache" not in app.extensions:
        url = app.config.get("REDIS_URL")
        app.extensions["cache"] = RedisCache(url) if url else MemoryCache()
    return app.extensions["cache"]

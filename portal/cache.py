"""A small shared cache: Redis when PORTAL_REDIS_URL is set (shared by every web host),
otherwise a bounded in-process dictionary.

Generations (`generation`) live in that cache; `shared_generation` is one that every worker sees
at once even without Redis (a file in the instance folder), for entries that must never outlive
a change made by another process (who is logged in, see portal/identity_cache.py).

A Redis outage never breaks a page: the cache degrades to *no cache* (every read is a miss,
every write is dropped), a warning is logged once when Redis goes away and once when it is back,
and while it is away Redis is tried again at most every ``RETRY_SECONDS`` (so pages do not wait
for a connection timeout each time).
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from flask import Flask, current_app

MEMORY_LIMIT = 5000
TTL_SECONDS = 24 * 3600
RETRY_SECONDS = 5.0
CONNECT_TIMEOUT = 0.5
SOCKET_TIMEOUT = 1.0

log = logging.getLogger("portal.cache")
V = TypeVar("V")


class MemoryCache(Generic[V]):
    """A bounded in-process LRU with per-key expiry (one per app, never shared between workers).

    `limit` bounds the number of entries, or with `weigh` their total weight (e.g. `len` for
    characters of text); an entry heavier than the whole limit is not kept.
    """

    def __init__(
        self, limit: int = MEMORY_LIMIT, clock=time.monotonic, weigh: Callable[[V], int] | None = None
    ) -> None:
        self._items: OrderedDict[str, tuple[float, V]] = OrderedDict()
        self._limit = limit
        self._clock = clock
        self._weigh = weigh or (lambda _value: 1)
        self._weight = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> V | None:
        """The value under `key`, or None when missing or expired."""
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            if found[0] < self._clock():
                self._drop(key)
                return None
            self._items.move_to_end(key)
            return found[1]

    def set(self, key: str, value: V, ttl: float = TTL_SECONDS) -> None:
        """Store `value` for `ttl` seconds; the least recently used entries go when full."""
        weight = self._weigh(value)
        with self._lock:
            self._drop(key)
            if weight > self._limit:
                return
            self._items[key] = (self._clock() + ttl, value)
            self._weight += weight
            while self._weight > self._limit:
                self._drop(next(iter(self._items)))

    def delete(self, key: str) -> None:
        """Forget `key`."""
        with self._lock:
            self._drop(key)

    def _drop(self, key: str) -> None:
        found = self._items.pop(key, None)
        if found is not None:
            self._weight -= self._weigh(found[1])

    @property
    def weight(self) -> int:
        """The entries' total weight (their number without `weigh`)."""
        return self._weight

    def __len__(self) -> int:
        return len(self._items)


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

    def set(self, key: str, value: str, ttl: float = TTL_SECONDS) -> None:
        import redis

        if self.breaker.down:
            return
        try:
            self._redis.set(key, value, ex=max(1, int(ttl)))
        except redis.RedisError as exc:
            self.breaker.failed(exc, "pages are served without the cache until it is back")
            return
        self.breaker.succeeded()

    def delete(self, key: str) -> None:
        import redis

        if self.breaker.down:
            return
        try:
            self._redis.delete(key)
        except redis.RedisError as exc:
            self.breaker.failed(exc, "pages are served without the cache until it is back")
            return
        self.breaker.succeeded()


def cache(app: Flask | None = None) -> MemoryCache[str] | RedisCache:
    """The app's cache, created on first use."""
    app = app or current_app
    if "cache" not in app.extensions:
        url = app.config.get("REDIS_URL")
        app.extensions["cache"] = RedisCache(url) if url else MemoryCache()
    return app.extensions["cache"]


def generation(name: str, app: Flask | None = None) -> str:
    """The current generation of a family of cached entries (part of their keys).

    `bump_generation(name)` retires every entry keyed with the old value at once. With Redis
    every worker sees the new value; in-process each worker has its own, so entries that
    depend on other workers' writes must also carry a short TTL.
    """
    store = cache(app)
    key = f"shopkeeper:generation:{name}"
    value = store.get(key)
    if value is None:
        value = secrets.token_hex(6)
        store.set(key, value)
    return value


def bump_generation(name: str, app: Flask | None = None) -> None:
    """Start a new generation of `name` (after a commit that changes what its entries show)."""
    cache(app).set(f"shopkeeper:generation:{name}", secrets.token_hex(6))


class FileGenerations:
    """Generations kept as one small file each in `folder`: every process that uses the same
    instance folder (gunicorn's workers, the CLI) sees a bump at its next read.

    A bump writes a new random value to a temporary file and renames it over the old one
    (atomic on POSIX), so a reader sees the old value or the new one, never a torn write.
    """

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._paths: dict[str, str] = {}

    def current(self, name: str) -> str | None:
        """The generation `name` (started if missing); None when the folder cannot be used."""
        path = self._paths.get(name) or self._paths.setdefault(name, str(self._folder / name))
        for _attempt in range(2):
            try:
                with open(path, "rb") as file:  # read every time (~10 µs): no stale fast path
                    value = file.read(64).decode("ascii", "replace")
                if value:
                    return value
            except FileNotFoundError:
                pass
            except OSError as exc:
                log.warning("Generation %s unreadable (%s): its entries are not used", name, exc)
                return None
            if not self.bump(name):
                return None
        return None

    def bump(self, name: str) -> bool:
        """Start a new generation of `name`; False (logged) when the file could not be written."""
        value = secrets.token_hex(8)
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            temporary = self._folder / f".{name}.{os.getpid()}.{value}"
            temporary.write_bytes(value.encode("ascii"))
            os.replace(temporary, self._folder / name)
        except OSError as exc:
            log.error("Generation %s could not be bumped (%s)", name, exc)
            return False
        return True


def _file_generations(app: Flask) -> FileGenerations:
    found = app.extensions.get("file_generations")
    if found is None:
        found = FileGenerations(Path(app.instance_path) / "generations")
        app.extensions["file_generations"] = found
    return found


def shared_generation(name: str, app: Flask | None = None) -> str | None:
    """A generation every worker sees at once: in Redis when the app's cache is Redis, else in a
    file of the instance folder (every process on this host). None: do not use its entries."""
    app = app or current_app._get_current_object()
    store = cache(app)
    if isinstance(store, RedisCache):
        value = generation(name, app)
        return None if store.breaker.down else value  # a failed read made the value up
    return _file_generations(app).current(name)


def bump_shared_generation(name: str, app: Flask | None = None) -> bool:
    """Start a new `shared_generation(name)` (after a commit that changes what its entries hold);
    False when the new value could not be stored."""
    app = app or current_app._get_current_object()
    store = cache(app)
    if isinstance(store, RedisCache):
        bump_generation(name, app)
        return not store.breaker.down
    return _file_generations(app).bump(name)

"""Rows written in batches: kept in a worker's memory and INSERTed together when due.

For append-only logs written on reading pages (link impressions, knowledge-base searches): one
INSERT per page view was a write transaction per view (with two workers on SQLite every reader
queued for the write lock). Each worker keeps the rows, with the time they happened, and the
request that finds them due (every `flush_seconds`, 0 = at once, or MAX_PENDING rows) writes them
in one statement. A worker that dies loses at most that many seconds of rows.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from flask import Flask, current_app

#: Rows a worker keeps before writing them, whatever the time.
MAX_PENDING = 2000


class PendingRows:
    """Rows not yet written, and when they were last written."""

    def __init__(self, flush_seconds: float, clock=time.monotonic) -> None:
        self._rows: list[dict] = []
        self._flush_seconds = flush_seconds
        self._clock = clock
        self._last = clock()
        self._lock = threading.Lock()

    def add(self, rows: list[dict]) -> list[dict]:
        """Keep `rows`; returns the rows to write now (empty until they are due)."""
        with self._lock:
            self._rows.extend(rows)
            due = self._clock() - self._last >= self._flush_seconds
            if not due and len(self._rows) < MAX_PENDING:
                return []
            taken, self._rows, self._last = self._rows, [], self._clock()
            return taken

    def take(self) -> list[dict]:
        """Every pending row (now written by the caller)."""
        with self._lock:
            taken, self._rows, self._last = self._rows, [], self._clock()
            return taken

    def snapshot(self) -> list[dict]:
        """The pending rows (a copy)."""
        with self._lock:
            return list(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


def pending(
    name: str, setting: str, factory: Callable[[float], PendingRows] = PendingRows, app: Flask | None = None
):
    """The app's pending rows called `name` (flushed every `app.config[setting]` seconds)."""
    app = app or current_app._get_current_object()
    found = app.extensions.get(name)
    if found is None:
        found = factory(app.config[setting])
        app.extensions[name] = found
    return found

"""Rows written in batches: kept in a worker's memory and INSERTed together when due.

For append-only logs written on reading pages (link impressions, knowledge-base searches): one
INSERT per page view was a write transaction per view (with two workers on SQLite every reader
queued for the write lock). Each worker keeps the rows, with the time they happened, and writes
them in one statement when they are due: every `flush_seconds` (a timer thread writes them even
if no request comes; 0 = at the end of each request) or at MAX_PENDING rows, and at worker exit
(atexit: gunicorn's graceful shutdown and reloads; a killed worker loses its unwritten rows).

The rows are written in a session and transaction of their own, after the reader's response is
made: a failing write never fails a page view. Rows the database refuses (a constraint) are
dropped one by one, the others written; when the database is unreachable the rows are put back
(at most MAX_PENDING kept) for the next attempt.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import weakref
from collections.abc import Callable

from flask import Flask, after_this_request, current_app, has_request_context
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

log = logging.getLogger("portal.batches")

#: Rows a worker keeps before writing them, whatever the time.
MAX_PENDING = 2000
#: Writes rows in a session (the caller commits).
Writer = Callable[[Session, list[dict]], None]
#: What the database refuses in a row itself (retrying it cannot help).
BAD_ROW = (IntegrityError, DataError)


class PendingRows:
    """Rows not yet written, when they were last written, and how to write them."""

    def __init__(self, app: Flask, write: Writer, flush_seconds: float, clock=time.monotonic) -> None:
        self._app = app
        self._write = write
        self._rows: list[dict] = []
        self._flush_seconds = flush_seconds
        self._clock = clock
        self._last = clock()
        self._lock = threading.Lock()
        self._timer: tuple[int, threading.Timer] | None = None  # (process id, timer)
        atexit.register(_flush_at_exit, weakref.ref(self))

    def add(self, rows: list[dict]) -> bool:
        """Keep `rows`; True when the pending rows are due to be written now."""
        with self._lock:
            self._rows.extend(rows)
            if self._clock() - self._last >= self._flush_seconds or len(self._rows) >= MAX_PENDING:
                return True
            self._schedule()
            return False

    def take(self) -> list[dict]:
        """Every pending row (to be written by the caller)."""
        with self._lock:
            taken, self._rows, self._last = self._rows, [], self._clock()
            return taken

    def snapshot(self) -> list[dict]:
        """The pending rows (a copy)."""
        with self._lock:
            return list(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def flush(self) -> int:
        """Write every pending row now, in a transaction of its own; returns how many were written.

        A row the database refuses is dropped (logged) and the others written; if the database
        cannot be reached, the rows are put back for the next attempt.
        """
        rows = self.take()
        if not rows:
            return 0
        with self._app.app_context():
            try:
                self._commit(rows)
                return len(rows)
            except BAD_ROW as exc:
                log.warning("A batch of %d rows was refused (%s); writing them one by one", len(rows), exc)
            except SQLAlchemyError as exc:
                log.warning("%d rows not written (%s); kept for the next attempt", len(rows), exc)
                self._put_back(rows)
                return 0
            return self._commit_one_by_one(rows)

    def flush_quietly(self) -> None:
        """`flush()`, logging instead of raising (after a response, on a timer, at exit)."""
        try:
            self.flush()
        except Exception:
            log.exception("Pending rows could not be written")

    def _commit(self, rows: list[dict]) -> None:
        with self._app.extensions["db_sessionmaker"]() as session:
            self._write(session, rows)
            session.commit()

    def _commit_one_by_one(self, rows: list[dict]) -> int:
        written = 0
        for index, row in enumerate(rows):
            try:
                self._commit([row])
                written += 1
            except BAD_ROW as exc:
                log.warning("Dropped a row the database refused: %s", exc)
            except SQLAlchemyError as exc:
                log.warning("%d rows not written (%s); kept for the next attempt", len(rows) - index, exc)
                self._put_back(rows[index:])
                break
        return written

    def _put_back(self, rows: list[dict]) -> None:
        with self._lock:
            self._rows[:0] = rows
            excess = len(self._rows) - MAX_PENDING
            if excess > 0:
                log.warning("Dropped the %d oldest unwritten rows (over %d)", excess, MAX_PENDING)
                del self._rows[:excess]
            self._schedule()

    def _schedule(self) -> None:
        """Start the timer that writes the rows when due, unless one runs in this process."""
        if self._flush_seconds <= 0 or (self._timer is not None and self._timer[0] == os.getpid()):
            return
        delay = max(0.0, self._flush_seconds - (self._clock() - self._last))
        timer = threading.Timer(delay, self._on_timer)
        timer.daemon = True
        self._timer = (os.getpid(), timer)
        timer.start()

    def _on_timer(self) -> None:
        with self._lock:
            self._timer = None
        self.flush_quietly()


def _flush_at_exit(ref: weakref.ref[PendingRows]) -> None:
    found = ref()
    if found is not None and len(found):
        found.flush_quietly()


def keep(pending_rows: PendingRows, rows: list[dict]) -> None:
    """Keep `rows`; when due, write the pending ones once this request's response is made (the
    reader's own transaction is committed by then and a failure is only logged)."""
    if not pending_rows.add(rows):
        return
    if not has_request_context():
        pending_rows.flush_quietly()
        return

    @after_this_request
    def _write(response):
        pending_rows.flush_quietly()
        return response


def pending(
    name: str,
    setting: str,
    write: Writer,
    factory: Callable[..., PendingRows] = PendingRows,
    app: Flask | None = None,
) -> PendingRows:
    """The app's pending rows called `name`, written by `write` every `app.config[setting]` seconds."""
    app = app or current_app._get_current_object()
    found = app.extensions.get(name)
    if found is None:
        found = factory(app, write, app.config[setting])
        app.extensions[name] = found
    return found


def flush(name: str, app: Flask | None = None) -> None:
    """Write this worker's pending rows called `name` now (before reports read the table)."""
    found = (app or current_app).extensions.get(name)
    if found is not None:
        found.flush_quietly()

"""Polling mailboxes from `portal worker`: a periodic mail job on the RQ queue that fetches
every mailbox and sends the outbox mail that is due (retries of mail that failed before).

Each worker runs a small ticker thread; a Redis key set with NX and an expiry lets one tick per
interval through, however many workers run, so a fetch is queued once per interval.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask

log = logging.getLogger("portal.mail_in")
TICK_KEY = "shopkeeper:mail-in:fetch-tick"


def fetch_job() -> int:
    """RQ job: fetch every active mailbox, then send the outbox mail that is due; returns the
    number of inbound messages handled."""
    from portal import create_app
    from portal.db import get_session
    from portal.mail_in.fetch import fetch_all
    from portal.mailout import outbox

    app = create_app()
    try:
        with app.app_context():
            reports = fetch_all(get_session(), app.config)
            outbox.flush(get_session(), app.config)
            return sum(len(r.results) for r in reports)
    finally:
        app.extensions["db_engine"].dispose()


def tick(queue, interval: int, key: str = TICK_KEY) -> bool:
    """Queue one fetch if no worker did in the last `interval` seconds; True when this call queued it."""
    if not queue.connection.set(key, str(time.time()), nx=True, ex=interval):
        return False
    queue.enqueue(fetch_job, job_timeout=max(interval * 5, 300))
    from portal.webhooks.delivery import deliver_job

    queue.enqueue(deliver_job, job_timeout=max(interval * 5, 300))  # webhook retries that are due
    return True


def start_polling(app: Flask, queue) -> threading.Thread:
    """Start the ticker thread of this worker (a daemon: it ends with the worker)."""
    interval = int(app.config["MAIL_POLL_SECONDS"])
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                tick(queue, interval)
            except Exception as exc:  # Redis away: the worker itself waits for it; try again next tick
                log.warning("Could not queue the mail fetch: %s", exc)
            stop.wait(interval)

    thread = threading.Thread(target=run, name="mail-poll", daemon=True)
    thread.start()
    return thread

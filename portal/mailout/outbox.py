"""The outbox: mails are stored with the change that causes them and sent after the commit.

`enqueue` adds the mail to the caller's session (so it is committed, or rolled back, with the
change). After the commit `dispatch` sends what this session queued: on the RQ worker when
Redis is configured, else right here. A mail that cannot be sent stays in the table and is
retried with exponential backoff by `flush` (`portal outbox flush`, the worker, cron); after
OUTBOX_MAX_ATTEMPTS it is marked failed and waits for an admin's retry. Rows are claimed with
a conditional UPDATE before sending, so two senders never send the same row at once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from flask import Flask, current_app
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
from portal import mail
from portal.models import OutboxMessage, OutboxState

log = logging.getLogger("portal.outbox")
#: How long a sender may hold a row before another sender may take it over (a crash).
CLAIM_SECONDS = 300
#: The longest wait between two attempts.
MAX_BACKOFF = timedelta(hours=6)
_PENDING_KEY = "outbox_new_ids"


def enqueue(
    session: Session, message: EmailMessage, *, kind: str, request_id: int | None = None
) -> OutboxMessage:
    """Store `message` in the outbox within the caller's transaction; it is sent after commit."""
    row = OutboxMessage(
        request_id=request_id,
        recipient=str(message["To"])[:254],
        subject=str(message["Subject"])[:300],
        kind=kind,
        message_id=str(message["Message-ID"]),
        raw=message.as_bytes(),
        state=OutboxState.PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    session.add(row)
    session.flush()
    session.info.setdefault(_PENDING_KEY, []).append(row.id)
    return row


def backoff(attempts: int, base_seconds: int) -> timedelta:
    """The wait before attempt number `attempts + 1`: base, 2×base, 4×base … at most MAX_BACKOFF."""
    seconds = base_seconds * 2 ** min(max(attempts - 1, 0), 30)  # capped exponent: no overflow
    return min(timedelta(seconds=min(seconds, MAX_BACKOFF.total_seconds())), MAX_BACKOFF)


def _claim(session: Session, row_id: int, now: datetime) -> bool:
    claimed = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == row_id,
            OutboxMessage.state == OutboxState.PENDING,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
    )
    session.commit()
    return claimed.rowcount == 1


def send_one(session: Session, row_id: int, config: Mapping[str, Any], now: datetime | None = None) -> bool:
    """Claim, send and record one outbox row; True if it went out. Never raises for a mail error."""
    now = now or utcnow()
    if not _claim(session, row_id, now):
        return False
    row = session.get(OutboxMessage, row_id, populate_existing=True)
    assert row is not None
    message = message_from_bytes(row.raw, policy=policy.default)
    try:
        mail.send(config["MAIL_URL"], message)  # type: ignore[arg-type]
    except mail.MailError as exc:
        row.attempts += 1
        row.last_error = str(exc)[:2000]
        row.claimed_until = None
        if row.attempts >= config["OUTBOX_MAX_ATTEMPTS"]:
            row.state = OutboxState.FAILED
        row.next_attempt_at = now + backoff(row.attempts, config["OUTBOX_RETRY_SECONDS"])
        session.commit()
        log.warning("Mail %s to %s failed (attempt %d): %s", row.id, row.recipient, row.attempts, exc)
        return False
    row.attempts += 1
    row.state, row.sent_at, row.claimed_until, row.last_error = OutboxState.SENT, utcnow(), None, None
    session.commit()
    return True


def due_ids(session: Session, now: datetime, limit: int = 500) -> list[int]:
    """Pending rows whose next attempt is due, oldest first."""
    return list(
        session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.state == OutboxState.PENDING, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )


def flush(session: Session, config: Mapping[str, Any], now: datetime | None = None) -> tuple[int, int]:
    """Send every due mail once; returns (sent, failed attempts). Safe to run from cron."""
    now = now or utcnow()
    sent = failed = 0
    for row_id in due_ids(session, now):
        if send_one(session, row_id, config, now):
            sent += 1
        elif session.get(OutboxMessage, row_id).attempts > 0:  # type: ignore[union-attr]
            failed += 1
    return sent, failed


def send_ids(session: Session, ids: list[int], config: Mapping[str, Any]) -> None:
    """Send the given rows now (those still pending; a failure waits for the next flush)."""
    for row_id in ids:
        send_one(session, row_id, config)


def flush_job(ids: list[int] | None = None) -> None:
    """RQ job: build the app from the environment and send `ids`, then whatever else is due."""
    from portal import create_app

    run_flush(create_app(), ids)


def run_flush(app: Flask, ids: list[int] | None = None) -> None:
    """Send `ids` (they were just committed), then every other due mail (retries ride along)."""
    from portal.db import get_session

    with app.app_context():
        session = get_session()
        if ids:
            send_ids(session, ids, app.config)
        flush(session, app.config)


def dispatch(session: Session, app: Flask | None = None) -> None:
    """After commit: send what this session queued (RQ worker with Redis, else a mail thread)."""
    ids = session.info.pop(_PENDING_KEY, [])
    if not ids:
        return
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("REDIS_URL"):
        from redis import RedisError

        from portal import jobs

        try:
            jobs.queue(app).enqueue(flush_job, ids, job_timeout=300)  # type: ignore[union-attr]
            return
        except RedisError as exc:  # the rows are committed: send them from here instead
            log.warning("Redis is unavailable (%s): sending %d mail(s) from the web process.", exc, len(ids))
    # on this process's mail threads: a slow or hung SMTP server never holds up the page
    mail.in_background(app, run_flush, app, ids)


def discard_pending(session: Session) -> None:
    """Forget the ids queued by a transaction that was rolled back."""
    session.info.pop(_PENDING_KEY, None)


def retry(session: Session, row_id: int) -> OutboxMessage | None:
    """Make a failed or waiting mail due now (admin action; the caller commits and dispatches)."""
    row = session.get(OutboxMessage, row_id)
    if row is None or row.state == OutboxState.SENT:
        return None
    row.state, row.next_attempt_at, row.claimed_until = OutboxState.PENDING, utcnow(), None
    session.info.setdefault(_PENDING_KEY, []).append(row.id)
    return row


def backlog(session: Session) -> dict[str, Any]:
    """What admins see: how many mails wait or failed, the oldest one, the last error."""
    waiting = (OutboxState.PENDING, OutboxState.FAILED)
    count = session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.state.in_(waiting)))
    failed = session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.state == OutboxState.FAILED)
    )
    oldest = session.scalar(
        select(func.min(OutboxMessage.created_at)).where(OutboxMessage.state.in_(waiting))
    )
    last = session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.state.in_(waiting), OutboxMessage.last_error.is_not(None))
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    return {"count": count or 0, "failed": failed or 0, "oldest": oldest, "last_error": last}

"""Sending webhook deliveries: signed POSTs, retries with exponential backoff, pausing dead URLs.

Who sends:

* right after the commit that queued a delivery: the RQ worker when PORTAL_REDIS_URL is set,
  else a background thread of the web process (a page never waits for a receiver);
* `portal webhooks deliver` (run it from cron every minute): every delivery that is due,
  retries included. It is idempotent and safe to run concurrently: a sender first claims a
  delivery with one conditional UPDATE, so two senders never post the same attempt.

A failed attempt (no 2xx answer within the timeout) is logged with its response code or error
and retried after 1 min, 5 min, 30 min, 2 h, 6 h, 12 h and 24 h; then the delivery is failed. A
subscription whose attempts have failed for 24 hours without a success is paused, the admins
get a mail and the admin pages show a banner until someone resumes it.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from flask import Flask, current_app
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
from portal.models import Role, User, WebhookAttempt, WebhookDelivery, WebhookSubscription
from portal.webhooks.signature import sign

log = logging.getLogger("portal.webhooks")

#: Seconds to wait after the 1st, 2nd, ... failed attempt; after the last one the delivery fails.
RETRY_DELAYS = (60, 300, 1800, 7200, 21600, 43200, 86400)
#: A subscription failing this long without one success is paused.
PAUSE_AFTER = timedelta(hours=24)
#: How long a sender holds a claimed delivery (longer than any attempt can take).
CLAIM_SECONDS = 60
USER_AGENT = "Shopkeeper-Webhooks/1"
#: How much of a receiver's answer is read and logged (a receiver cannot make a sender read more).
ANSWER_BYTES = 200
BATCH = 100


@dataclass(frozen=True)
class Outcome:
    """What one attempt gave: the HTTP status (None when no answer came) and the error text."""

    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def body_bytes(payload: dict) -> bytes:
    """The exact bytes posted (and signed) for a payload."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode("utf-8")


def post(url: str, secret: str, event: str, payload: dict, delivery_id: int, timeout: float) -> Outcome:
    """POST one signed delivery; never raises for network trouble, answers what happened."""
    body = body_bytes(payload)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Shopkeeper-Event": event,
        "X-Shopkeeper-Event-Id": str(payload.get("id", "")),
        "X-Shopkeeper-Delivery": str(delivery_id),
        "X-Shopkeeper-Timestamp": timestamp,
        "X-Shopkeeper-Signature": sign(secret, timestamp, body),
    }
    started = time.monotonic()
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=False) as client,
            client.stream("POST", url, content=body, headers=headers) as response,
        ):
            code, answer = response.status_code, _read_some(response, started + timeout)
    except httpx.HTTPError as exc:
        elapsed = int((time.monotonic() - started) * 1000)
        return Outcome(None, f"{exc.__class__.__name__}: {exc}"[:500], elapsed)
    elapsed = int((time.monotonic() - started) * 1000)
    error = "" if 200 <= code < 300 else f"HTTP {code}: {answer}"
    return Outcome(code, error[:500], elapsed)


def _read_some(response: httpx.Response, deadline: float) -> str:
    """The start of a receiver's answer, for the log: at most ANSWER_BYTES, read until `deadline`."""
    kept = b""
    for chunk in response.iter_raw():
        kept += chunk
        if len(kept) >= ANSWER_BYTES or time.monotonic() > deadline:
            break
    return kept[:ANSWER_BYTES].decode("utf-8", "replace")


def claim(session: Session, delivery_id: int, now: datetime) -> bool:
    """Take a due delivery for this sender (atomic: one conditional UPDATE); False if someone has it."""
    result = session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.status == "pending",
            WebhookDelivery.next_attempt_at <= now,
            or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now),
        )
        .values(locked_until=now + timedelta(seconds=CLAIM_SECONDS))
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount == 1


def due_ids(session: Session, now: datetime, limit: int = BATCH) -> list[int]:
    """Pending deliveries of active subscriptions whose next attempt is due, oldest first."""
    query = (
        select(WebhookDelivery.id)
        .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
        .where(
            WebhookSubscription.active.is_(True),
            WebhookDelivery.status == "pending",
            WebhookDelivery.next_attempt_at <= now,
            or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def record(
    session: Session, delivery: WebhookDelivery, outcome: Outcome, now: datetime
) -> WebhookSubscription | None:
    """Log the attempt, schedule the retry or finish; returns the subscription if this pauses it."""
    subscription = delivery.subscription
    delivery.attempt_log.append(
        WebhookAttempt(
            attempted_at=now,
            status_code=outcome.status_code,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
        )
    )
    delivery.attempts += 1
    delivery.last_status_code = outcome.status_code
    delivery.locked_until = None
    if outcome.ok:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = "delivered", now, None
        subscription.failing_since = None
        return None
    if delivery.attempts > len(RETRY_DELAYS):
        delivery.status, delivery.next_attempt_at = "failed", None
    else:
        delivery.next_attempt_at = now + timedelta(seconds=RETRY_DELAYS[delivery.attempts - 1])
    if subscription.failing_since is None:
        subscription.failing_since = now
    elif subscription.active and now - _aware(subscription.failing_since) >= PAUSE_AFTER:
        subscription.active = False
        subscription.paused_at = now
        subscription.paused_reason = "failing"
        from portal import audit

        audit.record(
            session,
            "webhook.paused_failing",
            target=f"webhook:{subscription.id}",
            url=subscription.url,
            failing_since=_aware(subscription.failing_since).isoformat(timespec="seconds"),
        )
        return subscription
    return None


def _aware(moment: datetime) -> datetime:
    from portal.requests.sla import as_aware

    return as_aware(moment)


def deliver_one(session: Session, delivery_id: int, *, timeout: float, now: datetime | None = None) -> str:
    """Attempt one due delivery if this sender can claim it; its status afterwards ('' if not claimed)."""
    now = now or utcnow()
    if not claim(session, delivery_id, now):
        return ""
    # sessions keep loaded objects across commits: read the claimed row and its subscription afresh
    delivery = session.get(WebhookDelivery, delivery_id, populate_existing=True)
    subscription = session.get(WebhookSubscription, delivery.subscription_id, populate_existing=True)
    outcome = post(
        subscription.url, subscription.secret, delivery.event, delivery.payload, delivery.id, timeout
    )
    paused = record(session, delivery, outcome, now)
    session.commit()
    if paused is not None:
        notify_admins(session, paused)
    return delivery.status


def deliver_due(session: Session, *, timeout: float, now: datetime | None = None, limit: int = BATCH) -> int:
    """Attempt every due delivery (up to `limit`); how many attempts were made."""
    now = now or utcnow()
    made = 0
    for delivery_id in due_ids(session, now, limit):
        if deliver_one(session, delivery_id, timeout=timeout, now=now):
            made += 1
    return made


def notify_admins(session: Session, subscription: WebhookSubscription) -> None:
    """Mail every active admin that a failing subscription was paused (errors are logged)."""
    from flask_babel import force_locale
    from flask_babel import gettext as _

    from portal import mail

    app = current_app._get_current_object()
    admins = session.scalars(select(User).where(User.role == Role.ADMIN, User.is_active.is_(True))).all()
    for admin in admins:
        with force_locale(admin.locale or app.config["BABEL_DEFAULT_LOCALE"]):
            subject = _("A webhook was paused")
            text = _(
                "Deliveries to %(url)s have failed for 24 hours, so the portal paused the subscription. "
                "Fix the receiver, then resume it on the webhooks page: %(link)s",
                url=subscription.url,
                link=app.config["BASE_URL"] + "/admin/webhooks/" + str(subscription.id),
            )
        try:
            mail.send(
                app.config["MAIL_URL"],
                mail.build_message(app.config["MAIL_FROM"], admin.email, subject, text),
            )
        except Exception:  # a mail outage must not stop deliveries; the banner still shows
            log.exception("Could not mail %s about paused webhook %s", admin.email, subscription.id)


# Sending after commit ---------------------------------------------------------------------------

_LOCK = threading.Lock()


def _executor(app: Flask) -> ThreadPoolExecutor:
    with _LOCK:
        if "webhook_executor" not in app.extensions:
            app.extensions["webhook_executor"] = ThreadPoolExecutor(
                max_workers=2, thread_name_prefix="webhook"
            )
            app.extensions["webhook_pending"] = set()
        return app.extensions["webhook_executor"]


def _deliver_in_app(app: Flask) -> int:
    """Send what is due, in an app context of `app` with a session of its own."""
    with app.test_request_context("/", base_url=app.config["BASE_URL"]):
        session = app.extensions["db_sessionmaker"]()
        try:
            return deliver_due(session, timeout=app.config["WEBHOOK_TIMEOUT"])
        except Exception:  # a background sender has nobody to answer to: log it, cron retries
            log.exception("Webhook delivery run failed")
            return 0
        finally:
            session.close()


def deliver_job() -> int:
    """RQ job: build the app from the environment and send every due delivery."""
    from portal import create_app

    app = create_app()
    try:
        return _deliver_in_app(app)
    finally:
        app.extensions["db_engine"].dispose()  # a worker builds an app per job: close its pool


def kick(app: Flask) -> None:
    """Start sending due deliveries off the request path: RQ with Redis, else a local thread."""
    if app.config.get("REDIS_URL"):
        try:
            from portal import jobs

            jobs.queue(app).enqueue(deliver_job, job_timeout=600)
            return
        except Exception:  # Redis is down: send from this process, cron catches anything missed
            log.warning("Could not queue webhook deliveries on Redis; sending from the web process")
    future: Future = _executor(app).submit(_deliver_in_app, app)
    pending: set = app.extensions["webhook_pending"]
    pending.add(future)
    future.add_done_callback(pending.discard)


def wait_for_pending(app: Flask, timeout: float = 30) -> None:
    """Block until the deliveries started by this process are done (tests, orderly shutdown)."""
    pending = list(app.extensions.get("webhook_pending", ()))
    if pending:
        wait(pending, timeout=timeout)

"""Subscription rules: checking URLs, creating, pausing, resuming, deleting, sending a test event.

Every change is audit-logged; the caller commits.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
from knowledge_base.errors import FieldError
from portal import audit
from portal.models import User, WebhookDelivery, WebhookSubscription
from portal.webhooks.events import EVENTS, PING, queue

URL_MAX: int = WebhookSubscription.__table__.c.url.type.length
DESCRIPTION_MAX: int = WebhookSubscription.__table__.c.description.type.length


def check_url(raw: str) -> str:
    """`raw` stripped if it is an absolute http(s) URL without credentials, else a FieldError."""
    url = (raw or "").strip()
    if not url:
        raise FieldError(_l("Enter the address that receives the events."), field="url")
    if len(url) > URL_MAX:
        raise FieldError(_l("Keep the address under %(n)d characters.", n=URL_MAX), field="url")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or port == 0:
        raise FieldError(_l("Enter an address starting with https:// or http://."), field="url")
    if parts.username is not None or parts.password is not None:
        raise FieldError(
            _l("Do not put a user name or password in the address: deliveries are signed instead."),
            field="url",
        )
    if any(ch.isspace() for ch in url):
        raise FieldError(_l("Enter an address starting with https:// or http://."), field="url")
    return url


def check_events(chosen: list[str]) -> list[str]:
    """The chosen events in the canonical order; FieldError when none or an unknown one."""
    if not chosen:
        raise FieldError(_l("Choose at least one event."), field="events")
    if any(e not in EVENTS for e in chosen):
        raise FieldError(_l("Choose events from the list."), field="events")
    return [e for e in EVENTS if e in chosen]


def new_secret() -> str:
    """A fresh signing secret (shown to the admin once)."""
    return "whsec_" + secrets.token_urlsafe(32)


def create(
    session: Session, actor: User, url: str, events: list[str], description: str = ""
) -> WebhookSubscription:
    """Subscribe `url` to `events`; the returned subscription's secret is shown once."""
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise FieldError(
            _l("Keep the description under %(n)d characters.", n=DESCRIPTION_MAX), field="description"
        )
    subscription = WebhookSubscription(
        url=check_url(url),
        events=check_events(events),
        description=description,
        secret=new_secret(),
        active=True,
        paused_reason="",
        created_by_id=actor.id,
    )
    session.add(subscription)
    session.flush()
    audit.record(
        session,
        "webhook.created",
        actor=actor,
        target=f"webhook:{subscription.id}",
        url=subscription.url,
        events=subscription.events,
    )
    return subscription


def pause(session: Session, actor: User, subscription: WebhookSubscription) -> None:
    """Stop sending; new events still queue and go out when it is resumed."""
    if not subscription.active:
        return
    subscription.active, subscription.paused_at, subscription.paused_reason = False, utcnow(), ""
    audit.record(session, "webhook.paused", actor=actor, target=f"webhook:{subscription.id}")


def resume(session: Session, actor: User, subscription: WebhookSubscription) -> None:
    """Send again: the waiting deliveries go out at once, the failure clock starts afresh."""
    if subscription.active:
        return
    subscription.active, subscription.paused_at, subscription.paused_reason = True, None, ""
    subscription.failing_since = None
    session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.subscription_id == subscription.id, WebhookDelivery.status == "pending")
        .values(next_attempt_at=utcnow(), locked_until=None)
        .execution_options(synchronize_session=False)
    )
    from portal.webhooks.events import PENDING_KEY

    session.info[PENDING_KEY] = True
    audit.record(session, "webhook.resumed", actor=actor, target=f"webhook:{subscription.id}")


def rotate_secret(session: Session, actor: User, subscription: WebhookSubscription) -> str:
    """Give the subscription a new secret (shown once); deliveries from now on use it."""
    subscription.secret = new_secret()
    audit.record(session, "webhook.secret_rotated", actor=actor, target=f"webhook:{subscription.id}")
    return subscription.secret


def delete(session: Session, actor: User, subscription: WebhookSubscription) -> None:
    """Remove the subscription with its deliveries and their log."""
    audit.record(
        session, "webhook.deleted", actor=actor, target=f"webhook:{subscription.id}", url=subscription.url
    )
    session.delete(subscription)


def send_test(session: Session, actor: User, subscription: WebhookSubscription) -> WebhookDelivery:
    """Queue a `ping` event to this subscription only (sent when the subscription is active)."""
    (delivery,) = queue(
        session,
        [subscription],
        PING,
        {"subscription_id": subscription.id, "message": "Test event from Shopkeeper"},
    )
    audit.record(session, "webhook.test_sent", actor=actor, target=f"webhook:{subscription.id}")
    return delivery


def redeliver(session: Session, actor: User, delivery: WebhookDelivery) -> WebhookDelivery:
    """Queue a failed or delivered delivery again, as a new delivery with the same event id."""
    copy = WebhookDelivery(
        subscription_id=delivery.subscription_id,
        event=delivery.event,
        event_id=delivery.event_id,
        payload=delivery.payload,
        status="pending",
        next_attempt_at=utcnow(),
    )
    session.add(copy)
    from portal.webhooks.events import PENDING_KEY

    session.info[PENDING_KEY] = True
    audit.record(
        session,
        "webhook.redelivered",
        actor=actor,
        target=f"webhook:{delivery.subscription_id}",
        delivery=delivery.id,
    )
    return copy


def subscriptions(session: Session) -> list[WebhookSubscription]:
    """Every subscription, newest first."""
    return list(session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id.desc())))

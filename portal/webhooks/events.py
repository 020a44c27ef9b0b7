"""Webhook events: `emit` queues one delivery per subscription to the event.

Deliveries are rows written in the caller's transaction, so an event exists exactly when the
change that caused it was committed; they are sent after the commit (portal.webhooks.delivery).
Payloads carry ids, references and states, never the personal data itself: a receiver that
needs more asks the API with its own credentials.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
from portal.models import WebhookDelivery, WebhookSubscription

#: The events an admin can subscribe to, in the order the admin page lists them.
EVENTS = (
    "request.created",
    "request.updated",
    "message.created",
    "article.published",
    "suggestion.approved",
    "customer.created",
)
#: The event "send test event" delivers (to one subscription, whatever it subscribed to).
PING = "ping"
#: Key in `Session.info` telling the after-commit hook that deliveries are waiting.
PENDING_KEY = "webhooks_pending"

Payload = dict[str, Any] | Callable[[], dict[str, Any]]


def envelope(event: str, data: dict[str, Any]) -> dict[str, Any]:
    """The JSON a receiver gets: event name, a unique event id, when it happened, the data."""
    return {
        "event": event,
        "id": uuid.uuid4().hex,
        "occurred_at": utcnow().isoformat(timespec="seconds"),
        "data": data,
    }


def _subscribers(session: Session, event: str) -> list[WebhookSubscription]:
    with session.no_autoflush:  # without subscribers an event changes nothing in the session
        every = session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id))
        return [s for s in every if event in (s.events or [])]


def queue(
    session: Session, subscriptions: Iterable[WebhookSubscription], event: str, data: dict[str, Any]
) -> list[WebhookDelivery]:
    """Add one pending delivery of `event` per subscription (same event id for all)."""
    body = envelope(event, data)
    rows = [
        WebhookDelivery(
            subscription_id=s.id,
            event=event,
            event_id=body["id"],
            payload=body,
            status="pending",
            next_attempt_at=utcnow(),
        )
        for s in subscriptions
    ]
    session.add_all(rows)
    if rows:
        session.info[PENDING_KEY] = True
    return rows


def emit(session: Session, event: str, payload: Payload) -> list[WebhookDelivery]:
    """Queue `event` for every subscription to it, in the caller's transaction.

    A paused subscription's deliveries wait and go out when it is resumed (delete it to stop).

    `payload` is the event's ``data``: a dict, or a function building it (called only when
    someone subscribed, after a flush, so new rows have their ids). Nothing is sent here.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    subscriptions = _subscribers(session, event)
    if not subscriptions:
        return []
    if callable(payload):
        session.flush()
        payload = payload()
    return queue(session, subscriptions, event, payload)


# The events of the portal, one function each so that a service calls them in one line. ----------


def _request_data(request: Any) -> dict[str, Any]:
    return {
        "request_id": request.id,
        "reference": request.reference,
        "status": request.status.value,
        "priority": request.priority.value,
        "customer_id": request.customer_id,
        "assignee_id": request.assignee_id,
        "category_id": request.category_id,
        "product_id": request.product_id,
        "channel": request.channel,
    }


def request_created(session: Session, request: Any) -> list[WebhookDelivery]:
    """A customer (or an agent for them) raised a request."""
    return emit(session, "request.created", lambda: _request_data(request))


def request_updated(session: Session, request: Any, changes: Iterable[str]) -> list[WebhookDelivery]:
    """Status, priority, assignee or rating changed (`changes` names what; messages do not count)."""
    changed = sorted({c for c in changes if c not in ("reply", "internal_note", "message")})
    if not changed:
        return []
    return emit(session, "request.updated", lambda: {**_request_data(request), "changes": changed})


def message_created(session: Session, message: Any) -> list[WebhookDelivery]:
    """A reply or an internal note was added to a request."""
    return emit(
        session,
        "message.created",
        lambda: {
            "message_id": message.id,
            "request_id": message.request.id,
            "reference": message.request.reference,
            "author_id": message.author_id,
            "internal": bool(message.internal),
            "channel": message.channel,
        },
    )


def article_published(session: Session, article: Any) -> list[WebhookDelivery]:
    """A revision of an article went live."""
    return emit(
        session,
        "article.published",
        lambda: {
            "article_id": article.id,
            "slug": article.slug,
            "locale": article.locale,
            "revision_id": article.published_revision_id,
        },
    )


def suggestion_approved(session: Session, suggestion: Any) -> list[WebhookDelivery]:
    """A marketer approved a link suggestion."""
    return emit(
        session,
        "suggestion.approved",
        lambda: {
            "suggestion_id": suggestion.id,
            "article_id": suggestion.article_id,
            "offer_id": suggestion.offer_id,
            "reviewer_id": suggestion.reviewer_id,
        },
    )


def customer_created(session: Session, user: Any) -> list[WebhookDelivery]:
    """A customer account was created (self-registration, staff or the CLI)."""
    return emit(
        session,
        "customer.created",
        lambda: {
            "customer_id": user.id,
            "locale": user.locale,
            "confirmed": user.email_confirmed_at is not None,
        },
    )

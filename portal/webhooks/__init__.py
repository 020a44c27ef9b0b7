"""Webhooks: admins subscribe URLs to portal events; deliveries are signed and retried.

`events.emit` queues deliveries in the caller's transaction; after the commit `delivery.kick`
sends them off the request path; `verify_signature` is the receiver's check (see README).
"""

from __future__ import annotations

from flask import Flask, request
from sqlalchemy import event

from portal.webhooks.signature import sign, verify_signature

__all__ = ["init_app", "sign", "verify_signature"]


def init_app(app: Flask) -> None:
    """Send deliveries after each commit that queued some; show the paused-webhook banner to admins."""
    from portal.webhooks import delivery
    from portal.webhooks.events import PENDING_KEY

    def after_commit(session) -> None:
        if session.info.pop(PENDING_KEY, False) and app.config.get("WEBHOOK_SEND_AFTER_COMMIT", True):
            delivery.kick(app)

    def after_rollback(session) -> None:
        session.info.pop(PENDING_KEY, None)

    maker = app.extensions["db_sessionmaker"]
    event.listen(maker, "after_commit", after_commit)
    event.listen(maker, "after_rollback", after_rollback)

    @app.context_processor
    def _paused_webhooks() -> dict:
        if request.blueprint not in ("admin", "webhooks_admin", "privacy_admin"):
            return {}
        from sqlalchemy import func, select

        from portal.db import get_session
        from portal.models import WebhookSubscription

        paused = get_session().scalar(
            select(func.count(WebhookSubscription.id)).where(
                WebhookSubscription.active.is_(False), WebhookSubscription.paused_reason == "failing"
            )
        )
        return {"paused_webhooks": paused or 0}

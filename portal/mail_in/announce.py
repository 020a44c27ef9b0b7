"""Who is told by mail of a request or reply that came in by mail (queued in the ingesting transaction).

Ingestion runs from the CLI, the worker or an admin page; mail links need a request context on
PORTAL_BASE_URL, so every notice is rendered inside one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from portal.models import RequestMessage, ServiceRequest, User
from portal.requests import notifications


def _links(config: Mapping[str, Any]):
    return current_app.test_request_context("/", base_url=config["BASE_URL"])


def new_request(
    session: Session, config: Mapping[str, Any], request: ServiceRequest, guest: User | None
) -> None:
    """The acknowledgement (a new guest's carries their set-password link) and the watching agents."""
    from portal.mail_in.mailing import guest_link

    with _links(config):
        if guest is None:
            notifications.new_request_announced(session, request)
        else:
            notifications.new_request_announced(
                session, request, password_link=guest_link(guest), template="guest_welcome"
            )


def reply(
    session: Session, config: Mapping[str, Any], answered: ServiceRequest, message: RequestMessage
) -> None:
    """A reply to the thread tells its assignee; one that started a follow-up request announces it."""
    with _links(config):
        if message.request is not answered:
            notifications.new_request_announced(session, message.request)
        else:
            notifications.assignee_told_of_customer_reply(session, answered, message.body)

"""Merging two requests of the same customer: the thread and files move, the merged one closes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
from knowledge_base.errors import FieldError
from portal.models import RequestMessage, RequestStatus, ServiceRequest, User
from portal.requests import sla_clock
from portal.requests.errors import ConflictError
from portal.requests.services import record_event


def check_mergeable(source: ServiceRequest, target: ServiceRequest | None) -> ServiceRequest:
    """`target` if `source` may be merged into it, else FieldError on the `into` field."""
    if target is None:
        raise FieldError(_l("No request has this reference."), field="into")
    if target.id == source.id:
        raise FieldError(_l("Choose another request to merge this one into."), field="into")
    if target.customer_id != source.customer_id:
        raise FieldError(_l("Only requests of the same customer can be merged."), field="into")
    if RequestStatus.CLOSED in (source.status, target.status):
        raise FieldError(_l("A closed request cannot be merged."), field="into")
    return target


def merge_into(
    session: Session, agent: User, source: ServiceRequest, target: ServiceRequest, version: int
) -> None:
    """Move `source`'s description, messages, attachments and tags to `target` and close `source`.

    Both histories record the merge; `version` is the source's version the agent saw.
    """
    if version != source.version:
        raise ConflictError(
            _l("Someone else changed this request while you were working on it. Nothing was merged."), []
        )
    check_mergeable(source, target)
    now = utcnow()
    opening = RequestMessage(
        author_id=source.customer_id,
        body=f"{source.subject}\n\n{source.description}",
        internal=False,
        created_at=source.created_at,
        channel=source.channel,
    )
    target.messages.append(opening)
    for message in list(source.messages):
        message.request = target
    for attachment in list(source.attachments):
        attachment.request = target
    for tag in source.tags:
        if tag not in target.tags:
            target.tags.append(tag)
    record_event(target, agent, "merged_from", source.reference, None)
    record_event(source, agent, "merged_into", None, target.reference)
    old = source.status
    source.status, source.closed_at = RequestStatus.CLOSED, now
    sla_clock.status_changed(source, old, RequestStatus.CLOSED, now)
    record_event(source, agent, "status", old.value, RequestStatus.CLOSED.value)
    source.updated_at = target.updated_at = now

"""Request rules: creation, replies, assignment, priority, status, rating.

Services take the session first, record a RequestEvent for every change, and never commit.
Who may touch a request is decided by `portal.access`, before a service is called.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
from knowledge_base.errors import FieldError
from portal import access
from portal.models import (
    Attachment,
    Category,
    CustomerProduct,
    Priority,
    Product,
    RequestEvent,
    RequestMessage,
    RequestStatus,
    ServiceRequest,
    User,
)
from portal.models.requests import CHANNELS
from portal.models.users import STAFF_ROLES
from portal.requests import attachments as files
from portal.requests import sla_clock
from portal.requests.errors import ConflictError, TransitionError
from portal.requests.references import allocate_reference
from portal.requests.sla import as_aware, set_due_times
from portal.requests.workflow import CUSTOMER_CLOSABLE, can_staff_move
from portal.webhooks import events as webhooks

#: The subject column's length: the one place the limit is set.
SUBJECT_MAX: int = ServiceRequest.__table__.c.subject.type.length
RATING_COMMENT_MAX = 2000


@dataclass
class NewRequest:
    """What a customer typed into the request form."""

    subject: str
    description: str
    category: str = ""
    product: str = ""  # "own:<customer product id>" or "catalog:<product id>" or ""
    priority: str = Priority.NORMAL.value
    uploads: list[files.Upload] = field(default_factory=list)
    channel: str = "web"


@dataclass(frozen=True)
class Limits:
    """Configurable limits for requests (see `from_config`: the defaults live in portal.config)."""

    attachment_folder: Path
    uploads: files.UploadLimits
    reopen_days: int
    message_max_chars: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Limits:
        """The limits the app is configured with."""
        return cls(
            attachment_folder=Path(config["INSTANCE_PATH"]) / "attachments",
            uploads=files.UploadLimits(
                max_files=config["ATTACHMENT_MAX_FILES"],
                max_file_bytes=config["ATTACHMENT_MAX_BYTES"],
                max_total_bytes=config["REQUEST_ATTACHMENTS_MAX_BYTES"],
            ),
            reopen_days=config["REOPEN_DAYS"],
            message_max_chars=config["MESSAGE_MAX_CHARS"],
        )


def check_length(text: str, max_chars: int, field: str) -> str:
    """`text` if it has at most `max_chars` characters, else a FieldError on `field`."""
    if len(text) > max_chars:
        raise FieldError(
            _l(
                "This text is %(n)d characters long; the limit is %(max)d.",
                n=len(text),
                max=max_chars,
            ),
            field=field,
        )
    return text


def record_event(
    request: ServiceRequest, actor: User | None, kind: str, old: object, new: object
) -> RequestEvent:
    """Append one history entry (kind, from, to) to `request`."""
    event = RequestEvent(
        kind=kind,
        actor=actor,
        from_value=None if old is None else str(old),
        to_value=None if new is None else str(new),
    )
    request.events.append(event)
    return event


def _resolve_product(
    session: Session, customer: User, choice: str
) -> tuple[Product | None, CustomerProduct | None]:
    if not choice:
        return None, None
    kind, _, raw_id = choice.partition(":")
    product_id = access.valid_id(raw_id)
    if product_id is None:
        raise FieldError(_l("Choose a product from the list."), field="product")
    if kind == "own":
        owned = session.get(CustomerProduct, product_id)
        if owned is None or owned.user_id != customer.id:
            raise FieldError(_l("Choose one of your own products."), field="product")
        return owned.product, owned
    if kind == "catalog":
        product = session.get(Product, product_id)
        if product is None:
            raise FieldError(_l("Choose a product from the list."), field="product")
        return product, None
    raise FieldError(_l("Choose a product from the list."), field="product")


def _validate_text(data: NewRequest, max_chars: int) -> tuple[str, str]:
    subject, description = " ".join(data.subject.split()), data.description.strip()  # a subject is one line
    if not subject:
        raise FieldError(_l("Tell us in a few words what the request is about."), field="subject")
    if len(subject) > SUBJECT_MAX:
        raise FieldError(_l("Keep the subject under %(n)d characters.", n=SUBJECT_MAX), field="subject")
    if not description:
        raise FieldError(_l("Describe the problem."), field="description")
    return subject, check_length(description, max_chars, "description")


def create_request(
    session: Session,
    customer: User,
    data: NewRequest,
    limits: Limits,
    *,
    allowed_priorities: Collection[str] | None = None,
    actor: User | None = None,
) -> ServiceRequest:
    """Validate everything first, then create the request with its files and first event.

    `allowed_priorities` limits the choice (customers: what an admin allows; None: any).
    `actor` is the agent who opened it on the customer's behalf (None: the customer).
    """
    subject, description = _validate_text(data, limits.message_max_chars)
    category = None
    if data.category:
        category = session.scalar(select(Category).where(Category.slug == data.category))
        if category is None:
            raise FieldError(_l("Choose a category from the list."), field="category")
    allowed = {p.value for p in Priority} if allowed_priorities is None else set(allowed_priorities)
    if data.priority not in allowed or data.priority not in {p.value for p in Priority}:
        raise FieldError(_l("Choose a priority from the list."), field="priority")
    if data.channel not in CHANNELS:
        raise FieldError(_l("Choose how the request reached us."), field="channel")
    product, owned = _resolve_product(session, customer, data.product)
    checked = files.validate(data.uploads, limits.uploads)

    now = utcnow()
    request = ServiceRequest(
        reference=allocate_reference(session, now.year),
        customer=customer,
        subject=subject,
        description=description,
        category=category,
        product=product,
        customer_product=owned,
        priority=Priority(data.priority),
        status=RequestStatus.NEW,
        created_at=now,
        channel=data.channel,
    )
    set_due_times(session, request, now)
    _store_files(request, checked, customer, limits)
    record_event(request, actor or customer, "created", None, RequestStatus.NEW.value)
    session.add(request)
    session.flush()
    webhooks.request_created(session, request)
    return request


def _store_files(
    request: ServiceRequest,
    checked: list[tuple[files.Upload, str]],
    uploader: User,
    limits: Limits,
    message: RequestMessage | None = None,
) -> None:
    """Write checked uploads to disk and attach them to the request (and the reply they came with)."""
    for upload, content_type in checked:
        stored = files.store(limits.attachment_folder, upload.data, content_type)
        request.attachments.append(
            Attachment(
                uploader_id=uploader.id,
                original_name=upload.filename,
                stored_name=stored,
                content_type=content_type,
                size=len(upload.data),
                message=message,
            )
        )


def _set_status(request: ServiceRequest, actor: User, status: RequestStatus) -> None:
    old = request.status
    request.status = status
    now = utcnow()
    sla_clock.status_changed(request, old, status, now)
    if status == RequestStatus.RESOLVED:
        request.resolved_at = now
    elif status == RequestStatus.CLOSED:
        request.closed_at = now
    elif status == RequestStatus.OPEN and old == RequestStatus.RESOLVED:
        request.resolved_at = None
    record_event(request, actor, "status", old.value, status.value)


def customer_reply(
    session: Session,
    customer: User,
    request: ServiceRequest,
    body: str,
    max_chars: int,
    *,
    uploads: Sequence[files.Upload] = (),
    limits: Limits | None = None,
    reopen_days: int | None = None,
    channel: str = "web",
    mail_message_id: str | None = None,
) -> RequestMessage:
    """A customer's reply of at most `max_chars`, with optional files (checked against `limits`).

    It re-opens a request that was waiting on the customer. On a resolved request it re-opens it
    within `reopen_days` of the resolution; later it starts a new request that follows up the old
    one, and the returned message belongs to that new request (`message.request`).
    """
    body = body.strip()
    if not body:
        raise FieldError(_l("Write a message first."), field="body")
    check_length(body, max_chars, "body")
    if request.status == RequestStatus.CLOSED:
        raise FieldError(_l("This request is closed. Open a new one if you need more help."))
    if uploads and limits is None:
        raise ValueError("uploads need limits to be checked against")
    checked = files.validate(list(uploads), limits.uploads) if uploads and limits else []
    target, status_before = request, request.status
    if request.status == RequestStatus.RESOLVED and reopen_days is not None:
        if _within_reopen_window(request, reopen_days):
            _set_status(request, customer, RequestStatus.OPEN)
            set_due_times(session, request, utcnow())
        else:
            target = _follow_up(session, customer, request, channel)
    message = RequestMessage(
        author=customer, body=body, internal=False, channel=channel, mail_message_id=mail_message_id
    )
    target.messages.append(message)
    webhooks.message_created(session, message)
    if limits is not None:
        _store_files(target, checked, customer, limits, message)
    if target.status == RequestStatus.WAITING_ON_CUSTOMER:
        _set_status(target, customer, RequestStatus.OPEN)
    target.updated_at = utcnow()
    session.flush()
    if target is not request:
        webhooks.request_created(session, target)  # a follow-up request
    elif target.status != status_before:
        webhooks.request_updated(session, target, ["status"])
    return message


def reopen_deadline(request: ServiceRequest, reopen_days: int) -> datetime | None:
    """Until when a reply reopens this resolved request (None: it is not resolved)."""
    resolved_at = as_aware(request.resolved_at)
    if request.status != RequestStatus.RESOLVED or resolved_at is None:
        return None
    return resolved_at + timedelta(days=reopen_days)


def _within_reopen_window(request: ServiceRequest, reopen_days: int) -> bool:
    deadline = reopen_deadline(request, reopen_days)
    return deadline is not None and utcnow() <= deadline


def _follow_up(session: Session, customer: User, old: ServiceRequest, channel: str) -> ServiceRequest:
    """A new request that continues `old` (resolved too long ago to reopen)."""
    now = utcnow()
    new = ServiceRequest(
        reference=allocate_reference(session, now.year),
        customer=customer,
        subject=old.subject,
        description=f"{old.reference}: {old.subject}",
        category=old.category,
        product=old.product,
        customer_product=old.customer_product,
        priority=old.priority,
        status=RequestStatus.NEW,
        created_at=now,
        channel=channel,
    )
    session.add(new)
    set_due_times(session, new, now)
    record_event(new, customer, "created", None, RequestStatus.NEW.value)
    link_follow_up(session, customer, new, old)
    return new


def link_follow_up(session: Session, customer: User, new: ServiceRequest, old: ServiceRequest) -> None:
    """Record that `new` continues `old`, on both requests and in both histories."""
    new.follows_up = old
    record_event(new, customer, "follows_up", None, old.reference)
    session.flush()
    record_event(old, customer, "followed_up", None, new.reference)


def customer_close(session: Session, customer: User, request: ServiceRequest) -> None:
    """The customer closes their request."""
    if request.status not in CUSTOMER_CLOSABLE:
        raise TransitionError(_l("This request is already closed."))
    _set_status(request, customer, RequestStatus.CLOSED)
    webhooks.request_updated(session, request, ["status"])


def customer_reopen(session: Session, customer: User, request: ServiceRequest, reopen_days: int) -> None:
    """Reopen a resolved request within the allowed number of days."""
    resolved_at = as_aware(request.resolved_at)
    if request.status != RequestStatus.RESOLVED or resolved_at is None:
        raise TransitionError(_l("Only a resolved request can be reopened."))
    if utcnow() - resolved_at > timedelta(days=reopen_days):
        raise TransitionError(
            _l("Requests can be reopened for %(n)d days after they are resolved.", n=reopen_days)
        )
    _set_status(request, customer, RequestStatus.OPEN)
    set_due_times(session, request, utcnow())
    webhooks.request_updated(session, request, ["status"])


def rate(session: Session, customer: User, request: ServiceRequest, rating: int, comment: str) -> None:
    """Rate a resolved (or closed after resolution) request once, 1 to 5."""
    if request.resolved_at is None or request.status not in (RequestStatus.RESOLVED, RequestStatus.CLOSED):
        raise FieldError(_l("You can rate a request once it is resolved."), field="rating")
    if request.rating is not None:
        raise FieldError(_l("You have already rated this request."), field="rating")
    if rating not in range(1, 6):
        raise FieldError(_l("Choose a rating from 1 to 5."), field="rating")
    comment = check_length(comment.strip(), RATING_COMMENT_MAX, "comment")
    request.rating, request.rating_comment = rating, comment or None
    record_event(request, customer, "rating", None, str(rating))
    webhooks.request_updated(session, request, ["rating"])


@dataclass
class StaffChange:
    """What an agent submitted on the handling page."""

    version: int
    seen_event_id: int = 0
    seen_message_id: int = 0
    body: str = ""
    internal: bool = False
    status: str = ""
    assignee: str = ""  # user id, "" for unchanged, "none" for unassigned
    priority: str = ""
    uploads: list[files.Upload] = field(default_factory=list)
    add_tags: list[str] = field(default_factory=list)
    confirm_close: bool = False


def require_close_confirmation(request: ServiceRequest, change: StaffChange) -> None:
    """Closing is final for staff: refuse an allowed move to "closed" that was not confirmed."""
    closing = change.status == RequestStatus.CLOSED.value and request.status != RequestStatus.CLOSED
    if closing and can_staff_move(request.status, RequestStatus.CLOSED) and not change.confirm_close:
        raise FieldError(
            _l("Closing cannot be undone: tick “Yes, close it” to confirm."), field="confirm_close"
        )


def _check_version(request: ServiceRequest, change: StaffChange) -> None:
    if change.version != request.version:
        newer = [e for e in request.events if e.id > change.seen_event_id]
        newer += [m for m in request.messages if m.id > change.seen_message_id]
        raise ConflictError(
            _l(
                "Someone else changed this request while you were working on it. Nothing of yours was "
                "saved yet: review their changes below and submit again."
            ),
            newer,
        )


def staff_update(
    session: Session,
    agent: User,
    request: ServiceRequest,
    change: StaffChange,
    *,
    max_chars: int,
    limits: Limits | None = None,
) -> list[str]:
    """Apply an agent's reply, note, files, assignment, priority and status in one go; returns what changed.

    Files need `limits` and a message to go with (a reply or an internal note).
    """
    _check_version(request, change)
    done, status_before = [], request.status
    body = check_length(change.body.strip(), max_chars, "body")
    checked = []
    if change.uploads:
        if not body:
            raise FieldError(_l("Write a message to go with the files."), field="body")
        if limits is None:
            raise ValueError("uploads need limits to be checked against")
        checked = files.validate(change.uploads, limits.uploads)
    if body:
        message = RequestMessage(author=agent, body=body, internal=change.internal)
        request.messages.append(message)
        webhooks.message_created(session, message)
        if checked and limits is not None:
            _store_files(request, checked, agent, limits, message)
        done.append("internal_note" if change.internal else "reply")
        if not change.internal:
            sla_clock.first_response(request, utcnow())
            if request.status == RequestStatus.NEW:
                _set_status(request, agent, RequestStatus.OPEN)  # answering a new request opens it
    if change.assignee:
        _assign(session, agent, request, change.assignee, done)
    if change.priority and change.priority != request.priority.value:
        if change.priority not in {p.value for p in Priority}:
            raise FieldError(_l("Choose a priority from the list."), field="priority")
        old = request.priority
        request.priority = Priority(change.priority)
        set_due_times(session, request, as_aware(request.created_at), paused=request.paused_minutes or 0.0)
        record_event(request, agent, "priority", old.value, request.priority.value)
        done.append("priority")
    if change.status and change.status != request.status.value:
        if change.status not in {s.value for s in RequestStatus}:
            raise FieldError(_l("Choose a status from the list."), field="status")
        target = RequestStatus(change.status)
        if not can_staff_move(request.status, target):
            raise TransitionError(
                _l(
                    "A request cannot move from %(old)s to %(new)s.",
                    old=request.status.value,
                    new=target.value,
                ),
                field="status",
            )
        _set_status(request, agent, target)
        done.append("status")
    if change.add_tags:
        from portal.requests.tags import add_tag

        if any([add_tag(session, agent, request, name) for name in change.add_tags]):
            done.append("tags")
    if done:
        request.updated_at = utcnow()  # any change bumps the version, so concurrent editors see it
        webhooks.request_updated(
            session, request, [*done, *(["status"] if request.status != status_before else [])]
        )
    return done


def assignable_agents(session: Session) -> list[User]:
    """Active staff who may work the queue: the people a request can be assigned to."""
    staff = session.scalars(
        select(User).where(User.role.in_(STAFF_ROLES), User.is_active.is_(True)).order_by(User.name)
    )
    return [user for user in staff if access.allows(user, access.Action.WORK_QUEUE)]


def _assign(session: Session, agent: User, request: ServiceRequest, choice: str, done: list[str]) -> None:
    if choice == "none":
        new_assignee = None
    else:
        key = access.valid_id(choice)
        new_assignee = session.get(User, key) if key is not None else None
        if new_assignee is None or not access.allows(new_assignee, access.Action.WORK_QUEUE):
            raise FieldError(_l("Choose an agent from the list."), field="assignee")
    if (new_assignee.id if new_assignee else None) == request.assignee_id:
        return
    old = request.assignee.name if request.assignee else None
    request.assignee = new_assignee
    record_event(request, agent, "assignee", old, new_assignee.name if new_assignee else None)
    done.append("assignee")

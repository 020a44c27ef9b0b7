"""Erasing a person (right to erasure) and pseudonymising old closed requests (retention).

Erasure keeps the rows that statistics need (requests with their category, product, priority,
status, times and rating; votes; link events) and removes everything that identifies the person:

* the account: name and email become ``erased-<id>``, the password can never match, sessions end,
  consents are withdrawn;
* their requests: subject, description, rating comment and every message of those threads
  (staff replies quote and address the customer) become ``[erased]``; attachments are deleted,
  rows and files; the link to their registered product is dropped and the registration deleted;
  stored copies of mails to them or about their requests (the mail outbox) are deleted;
* their vote comments, link events' user link, and every remaining whole occurrence of their
  email address, full name (two words or more) or phone number in any text or JSON column of any
  table (audit log targets, history entries naming an assignee, tables added later) is replaced
  by the pseudonym; enum columns (codes such as roles) are never touched.

Files are deleted only after the database change is committed (`delete_files`), so a failed
transaction never leaves rows pointing at missing files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Enum, String, Text, cast, delete, func, or_, select, update
from sqlalchemy.orm import Session

from knowledge_base.db import Base, utcnow
from knowledge_base.errors import FieldError
from knowledge_base.models import ArticleFeedback
from portal import audit
from portal.models import (
    Attachment,
    CustomerProduct,
    LinkEvent,
    RequestMessage,
    RequestStatus,
    ServiceRequest,
    User,
)
from portal.models.users import new_security_stamp

#: What erased free text reads.
ERASED = "[erased]"
#: Erased accounts' email domain (reserved: it can never receive mail).
ERASED_DOMAIN = "erased.invalid"
REASON_MIN, REASON_MAX = 10, 500


#: Tables keeping whole copies of mails (table, recipient column, request column): the mail outbox.
#: Looked up by name, so erasure works with or without them; their rows about the person are deleted.
MAIL_COPY_TABLES = (("outbox_messages", "recipient", "request_id"),)


@dataclass
class Erasure:
    """What an erasure or a retention run changed; `files` are deleted after the commit."""

    requests: int = 0
    messages: int = 0
    attachments: int = 0
    mails: int = 0
    swept: int = 0
    files: list[Path] = field(default_factory=list)


def pseudonym(user_id: int) -> str:
    """The name an erased person gets."""
    return f"erased-{user_id}"


def is_erased(user: User) -> bool:
    """True once the account was erased."""
    return user.email.endswith("@" + ERASED_DOMAIN)


def preview(session: Session, user: User) -> dict[str, int]:
    """What an erasure of `user` would touch: their requests and the attachments in them or by them."""
    own = select(ServiceRequest.id).where(ServiceRequest.customer_id == user.id)
    files = select(func.count(Attachment.id)).where(
        or_(Attachment.request_id.in_(own), Attachment.uploader_id == user.id)
    )
    return {
        "requests": session.scalar(select(func.count()).select_from(own.subquery())) or 0,
        "files": session.scalar(files) or 0,
    }


def check_request(user: User, actor: User, confirmation: str, reason: str) -> str:
    """The stripped reason if the admin may erase `user` with this confirmation, else a FieldError."""
    if user.id == actor.id:
        raise FieldError(_l("You cannot erase your own account."), field="confirmation")
    if is_erased(user):
        raise FieldError(_l("This account has already been erased."), field="confirmation")
    if (confirmation or "").strip().lower() != user.email.lower():
        raise FieldError(_l("Type the account's email address exactly to confirm."), field="confirmation")
    reason = (reason or "").strip()
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise FieldError(
            _l("Give the reason in %(min)d to %(max)d characters.", min=REASON_MIN, max=REASON_MAX),
            field="reason",
        )
    return reason


def erase_requests(session: Session, requests: list[ServiceRequest], folder: Path, result: Erasure) -> None:
    """Pseudonymise requests' free text and every message in them; delete their attachments."""
    for request in requests:
        request.subject, request.description = ERASED, ERASED
        if request.rating_comment:
            request.rating_comment = ERASED
        request.customer_product_id = None
        for message in request.messages:
            if message.body != ERASED:
                message.body = ERASED
                result.messages += 1
        for item in list(request.attachments):
            result.files.append(folder / item.stored_name)
            request.attachments.remove(item)
            result.attachments += 1
        result.requests += 1


def erase_mail_copies(session: Session, *, emails: list[str], request_ids: list[int]) -> int:
    """Delete stored mails to these addresses or about these requests (sent or not); how many."""
    deleted = 0
    for name, recipient, request in MAIL_COPY_TABLES:
        table = Base.metadata.tables.get(name)
        if table is None:
            continue
        conditions = []
        if emails:
            conditions.append(func.lower(table.c[recipient]).in_([e.lower() for e in emails]))
        if request_ids:
            conditions.append(table.c[request].in_(request_ids))
        if conditions:
            deleted += session.execute(delete(table).where(or_(*conditions))).rowcount or 0
    return deleted


def _needles(user: User) -> list[str]:
    """What identifies the person in free text: the email address, the phone number, and the name
    when it is a full name (two words or more: a single word such as "Customer" is too likely to be
    an ordinary word elsewhere)."""
    needles = [user.email]
    name = " ".join((user.name or "").split())
    if len([w for w in name.split(" ") if len(w) > 1]) >= 2:
        needles.append(name)
    phone = getattr(user, "phone", None)
    if phone and sum(ch.isdigit() for ch in str(phone)) >= 6:
        needles.append(str(phone))
    return [n for n in needles if n]


def needle_pattern(needles: list[str]) -> re.Pattern:
    """Whole occurrences only: "ann@example.com" does not match inside "joann@example.com.pl",
    "Anna Nowak" not inside "Hanna Nowakowska"."""
    alternatives = (re.escape(n) for n in sorted(needles, key=len, reverse=True))
    return re.compile(r"(?<![\w.+-])(?:" + "|".join(alternatives) + r")(?![\w@-]|\.\w)", re.IGNORECASE)


def _replace(value: Any, pattern: re.Pattern, replacement: str) -> Any:
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, list):
        return [_replace(v, pattern, replacement) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, pattern, replacement) for k, v in value.items()}
    return value


def sweep(session: Session, needles: list[str], replacement: str, skip: set[str]) -> int:
    """Replace every occurrence of `needles` in every text and JSON column of every table.

    `skip` names columns ("table.column") already handled. Returns how many rows changed.
    """
    if not needles:
        return 0
    pattern = needle_pattern(needles)
    changed = 0
    for table in Base.metadata.sorted_tables:
        key = list(table.primary_key.columns)
        for column in table.columns:
            if f"{table.name}.{column.name}" in skip or column.primary_key:
                continue
            is_json = isinstance(column.type, JSON)
            if isinstance(column.type, Enum) or not (is_json or isinstance(column.type, String | Text)):
                continue  # enums hold fixed codes, never someone's words
            text = cast(column, Text) if is_json else column
            matches = or_(
                *(text.contains(n, autoescape=True) for n in needles),
                *(func.lower(text).contains(n.lower(), autoescape=True) for n in needles),
            )
            for row in session.execute(select(*key, column).where(matches)).all():
                *ids, value = row
                new = _replace(value, pattern, replacement)
                if new != value:
                    where = [c == v for c, v in zip(key, ids, strict=True)]
                    session.execute(update(table).where(*where).values({column.name: new}))
                    changed += 1
    return changed


def erase_user(
    session: Session, actor: User, user: User, *, confirmation: str, reason: str, attachment_folder: Path
) -> Erasure:
    """Erase `user` (see the module doc); audit-logged without the person's data. The caller commits
    and then calls `delete_files(result.files)`."""
    reason = check_request(user, actor, confirmation, reason)
    result = Erasure()
    needles = _needles(user)
    name = pseudonym(user.id)
    session.flush()
    requests = list(session.scalars(select(ServiceRequest).where(ServiceRequest.customer_id == user.id)))
    erase_requests(session, requests, attachment_folder, result)
    # what they wrote elsewhere (staff replies, notes) keeps its text, minus their identity (swept below);
    # files they uploaded to other people's requests go
    for item in session.scalars(select(Attachment).where(Attachment.uploader_id == user.id)):
        result.files.append(attachment_folder / item.stored_name)
        session.delete(item)
        result.attachments += 1
    session.execute(
        update(ArticleFeedback).where(ArticleFeedback.voter == f"user:{user.id}").values(comment="")
    )
    session.execute(update(LinkEvent).where(LinkEvent.user_id == user.id).values(user_id=None))
    session.execute(delete(CustomerProduct).where(CustomerProduct.user_id == user.id))
    result.mails = erase_mail_copies(session, emails=[user.email], request_ids=[r.id for r in requests])
    user.email = f"{name}@{ERASED_DOMAIN}"
    user.name = name
    user.password_hash = "!erased"  # noqa: S105 (never a valid hash: no password matches)
    user.is_active = False
    user.marketing_consent = False
    user.notify_by_email = False
    user.locale = None
    user.timezone = None
    user.segment = "standard"
    user.security_stamp = new_security_stamp()
    user.last_login_at = None
    if hasattr(user, "phone"):
        user.phone = None
    session.flush()
    result.swept = sweep(session, needles, name, skip={"users.email", "users.name"})
    audit.record(
        session,
        "user.erased",
        actor=actor,
        target=f"user:{user.id}",
        reason=reason,
        requests=result.requests,
        messages=result.messages,
        attachments=result.attachments,
    )
    return result


def retention(session: Session, *, cutoff: datetime, attachment_folder: Path, batch: int = 200) -> Erasure:
    """Pseudonymise closed requests closed before `cutoff` (idempotent: done ones are skipped)."""
    result = Erasure()
    query = (
        select(ServiceRequest)
        .where(
            ServiceRequest.status == RequestStatus.CLOSED,
            ServiceRequest.closed_at < cutoff,
            or_(
                ServiceRequest.description != ERASED,
                ServiceRequest.subject != ERASED,
                ServiceRequest.id.in_(select(Attachment.request_id)),
                ServiceRequest.id.in_(select(RequestMessage.request_id).where(RequestMessage.body != ERASED)),
            ),
        )
        .order_by(ServiceRequest.id)
        .limit(batch)
    )
    requests = list(session.scalars(query))
    erase_requests(session, requests, attachment_folder, result)
    result.mails = erase_mail_copies(session, emails=[], request_ids=[r.id for r in requests])
    if result.requests:
        audit.record(
            session,
            "privacy.retention",
            target="requests",
            cutoff=cutoff.isoformat(timespec="seconds"),
            requests=result.requests,
            attachments=result.attachments,
        )
    return result


def delete_files(paths: list[Path]) -> int:
    """Delete attachment files (after the commit); missing ones are fine. How many were deleted."""
    deleted = 0
    for path in paths:
        try:
            path.unlink()
            deleted += 1
        except FileNotFoundError:
            continue
    return deleted


def now() -> datetime:
    """The current time (a seam for the CLI)."""
    return utcnow()

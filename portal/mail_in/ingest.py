"""One inbound message to a new request or a reply in its thread, exactly once.

`process` is the unit of work (it commits, like a view): the message's Message-ID is recorded in
`inbound_mails` (unique) in the same transaction as the request or reply it made, so a message
fetched twice, or by two fetchers at once, is stored once. Anything that cannot be parsed or stored
goes whole into the quarantine, with the reason, in a transaction of its own.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
from knowledge_base.errors import FieldError
from portal import access
from portal.mail_ids import referenced_request
from portal.mail_in import announce, loops
from portal.mail_in.attachments import OVERFLOW_NAME, accept_files, overflow_file
from portal.mail_in.guests import TooManyGuests, guest_customer
from portal.mail_in.parse import MailParseError, ParsedMail, parse_mail
from portal.mailout import outbox
from portal.models import (
    InboundMail,
    InboundOutcome,
    MailBounce,
    Mailbox,
    Priority,
    QuarantinedMail,
    RequestMessage,
    ServiceRequest,
    User,
)
from portal.requests import services

log = logging.getLogger("portal.mail_in")
_SUBJECT_REFERENCE = re.compile(r"\[(SR-\d{4}-\d{6})\]", re.IGNORECASE)
_PLUS_REFERENCE = re.compile(r"\+(SR-\d{4}-\d{6})@", re.IGNORECASE)
_REPLY_PREFIX = re.compile(
    r"^\s*((re|fw|fwd|aw|wg|odp|pd|sv|vs|ответ|отв|пересл)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE
)
NO_TEXT = "(The mail had no text.)"
#: Characters kept free in a message for the notes about refused attachments.
NOTES_ROOM = 1000


@dataclass(frozen=True)
class IngestResult:
    """What became of one message: an InboundOutcome value, or 'duplicate'."""

    outcome: str
    reference: str | None = None
    guest_user_id: int | None = None
    detail: str = ""


def quarantine_folder(config: Mapping[str, Any]) -> Path:
    """Where quarantined messages are kept, whole (under the instance folder)."""
    return Path(config["INSTANCE_PATH"]) / "mail-quarantine"


def quarantine(
    session: Session,
    raw: bytes,
    reason: str,
    config: Mapping[str, Any],
    mailbox: Mailbox | None,
    parsed: ParsedMail | None = None,
) -> QuarantinedMail:
    """Keep the raw message in the quarantine folder and list it for admins (the caller commits)."""
    folder = quarantine_folder(config)
    folder.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + ".eml"
    (folder / name).write_bytes(raw)
    record = QuarantinedMail(
        mailbox_id=mailbox.id if mailbox else None,
        message_id=parsed.message_id if parsed else None,
        sender=parsed.sender[:254] if parsed else None,
        subject=parsed.subject[:255] if parsed else None,
        reason=reason,
        stored_name=name,
        size=len(raw),
    )
    session.add(record)
    return record


def own_addresses(session: Session, config: Mapping[str, Any]) -> set[str]:
    """Every address our own mail comes from: support addresses, mailbox logins, the From of our mail."""
    from email.utils import parseaddr

    addresses = {parseaddr(config.get("MAIL_FROM") or "")[1].lower()}
    for box in session.scalars(select(Mailbox)):
        addresses.add(box.support_address.lower())
        if "@" in box.username:
            addresses.add(box.username.lower())
    return {a for a in addresses if a}


def _seen(session: Session, message_id: str) -> bool:
    return session.scalar(select(InboundMail.id).where(InboundMail.message_id == message_id)) is not None


def _log(
    session: Session,
    mail: ParsedMail,
    outcome: InboundOutcome,
    mailbox: Mailbox | None,
    request: ServiceRequest | None = None,
) -> None:
    session.add(
        InboundMail(
            message_id=mail.message_id,
            sender=mail.sender[:254],
            outcome=outcome,
            mailbox_id=mailbox.id if mailbox else None,
            request=request,
        )
    )


def _rate_limited(session: Session, sender: str, per_hour: int) -> bool:
    since = utcnow() - timedelta(hours=1)
    count = session.scalar(
        select(func.count(InboundMail.id)).where(
            InboundMail.sender == sender,
            InboundMail.received_at >= since,
            InboundMail.outcome.in_([InboundOutcome.REQUEST, InboundOutcome.REPLY]),
        )
    )
    return (count or 0) >= per_hour


def _answered_request(session: Session, mail: ParsedMail, secret: str) -> ServiceRequest | None:
    reference = referenced_request(secret, mail.in_reply_to, mail.references)
    if reference is None:
        found = _SUBJECT_REFERENCE.search(mail.subject)
        reference = found.group(1).upper() if found else None
    if reference is None:  # Reply-To support+SR-…@ (PORTAL_SUPPORT_PLUS_ADDRESS) kept by the client
        addressed = (_PLUS_REFERENCE.search(r) for r in mail.recipients)
        reference = next((m.group(1).upper() for m in addressed if m), None)
    if reference is None:
        return None
    return session.scalar(select(ServiceRequest).where(ServiceRequest.reference == reference))


def _content(text: str, mailed: list, limits: services.Limits) -> tuple[str, list]:
    """The text to store and the accepted files; too long a text is cut and attached whole (nothing lost)."""
    text = text.strip() or NO_TEXT
    extra = []
    room = limits.message_max_chars - NOTES_ROOM
    if len(text) > room:
        extra.append(overflow_file(text))
        text = text[:room].rstrip() + "\n\n[…] (" + OVERFLOW_NAME + ")"
    uploads, notes = accept_files([*extra, *mailed], limits.uploads)
    if notes:
        text = (text + "\n\n" + "\n".join(notes))[: limits.message_max_chars]
    return text, uploads


def _new_request(
    session: Session, customer: User, mail: ParsedMail, mailbox: Mailbox | None, limits: services.Limits
) -> ServiceRequest:
    body, uploads = _content(mail.text, mail.files, limits)
    subject = _SUBJECT_REFERENCE.sub("", _REPLY_PREFIX.sub("", mail.subject)).strip()
    subject = subject or body.splitlines()[0]
    data = services.NewRequest(
        subject=subject[: services.SUBJECT_MAX],
        description=body,
        category=mailbox.default_category.slug if mailbox and mailbox.default_category else "",
        priority=mailbox.default_priority.value if mailbox else Priority.NORMAL.value,
        uploads=uploads,
    )
    request = services.create_request(session, customer, data, limits)
    request.channel = "email"
    return request


def _reply(
    session: Session, customer: User, request: ServiceRequest, mail: ParsedMail, limits: services.Limits
) -> RequestMessage:
    body, uploads = _content(mail.reply_text, mail.files, limits)
    message = services.customer_reply(
        session,
        customer,
        request,
        body,
        limits.message_max_chars,
        uploads=uploads,  # filed with the reply, not with the request's first message
        limits=limits,
        reopen_days=limits.reopen_days,
        channel="email",
        mail_message_id=mail.message_id,
    )
    return message


def ingest(
    session: Session, raw: bytes, config: Mapping[str, Any], mailbox: Mailbox | None = None
) -> IngestResult:
    """Take one message in (the caller commits). Bad mail is quarantined, never raised at the caller."""
    if len(raw) > config["MAIL_MAX_BYTES"]:  # kept whole, but never parsed: size is a cost of its own
        reason = f"The message is larger than {config['MAIL_MAX_BYTES'] // 1_000_000} MB."
        quarantine(session, raw, reason, config, mailbox)
        return IngestResult(InboundOutcome.QUARANTINED.value, detail=reason)
    try:
        mail = parse_mail(raw)
    except MailParseError as exc:
        quarantine(session, raw, str(exc), config, mailbox)
        return IngestResult(InboundOutcome.QUARANTINED.value, detail=str(exc))
    if _seen(session, mail.message_id):
        return IngestResult("duplicate")
    secret = config["SECRET_KEY"]
    if loops.is_own_mail(mail, own_addresses(session, config), secret):
        _log(session, mail, InboundOutcome.OWN, mailbox)
        return IngestResult(InboundOutcome.OWN.value)
    bounced = loops.bounces(mail)
    if bounced is not None:
        _record_bounces(session, bounced)
        _log(session, mail, InboundOutcome.BOUNCE, mailbox)
        return IngestResult(InboundOutcome.BOUNCE.value, detail=", ".join(b.recipient for b in bounced))
    reason = loops.auto_reply_reason(mail)
    if reason:
        _log(session, mail, InboundOutcome.AUTO_REPLY, mailbox)
        return IngestResult(InboundOutcome.AUTO_REPLY.value, detail=reason)
    spoofed = loops.spoofing_reason(mail)
    if spoofed:
        return _hold(session, raw, mail, config, mailbox, spoofed)
    if _rate_limited(session, mail.sender, config["MAIL_SENDER_MAX_PER_HOUR"]):
        return _hold(
            session, raw, mail, config, mailbox, "Rate limit: too many mails from this sender in an hour."
        )
    return _store(session, raw, mail, config, mailbox)


def _hold(
    session: Session,
    raw: bytes,
    mail: ParsedMail,
    config: Mapping[str, Any],
    mailbox: Mailbox | None,
    reason: str,
) -> IngestResult:
    quarantine(session, raw, reason, config, mailbox, mail)
    _log(session, mail, InboundOutcome.QUARANTINED, mailbox)
    return IngestResult(InboundOutcome.QUARANTINED.value, detail=reason)


def _store(
    session: Session, raw: bytes, mail: ParsedMail, config: Mapping[str, Any], mailbox: Mailbox | None
) -> IngestResult:
    limits = services.Limits.from_config(config)
    try:
        customer, guest = guest_customer(session, mail, config)
    except FieldError as exc:
        return _hold(session, raw, mail, config, mailbox, f"Sender address refused: {exc.message}")
    except TooManyGuests:
        reason = "Rate limit: too many new senders in an hour (PORTAL_MAIL_GUESTS_MAX_PER_HOUR)."
        return _hold(session, raw, mail, config, mailbox, reason)
    if customer.is_staff:
        return _hold(session, raw, mail, config, mailbox, "Mail from a staff account: answer in the portal.")
    if not customer.is_active:
        return _hold(session, raw, mail, config, mailbox, "The sender's account is deactivated.")
    request = _answered_request(session, mail, config["SECRET_KEY"])
    continued = None
    if request is not None and access.allows(customer, access.Action.FOLLOW, request):
        try:
            message = _reply(session, customer, request, mail, limits)
        except FieldError:  # e.g. the request is closed: the mail starts a new request instead
            session.expire(request)
            continued = request
        else:
            _log(session, mail, InboundOutcome.REPLY, mailbox, message.request)
            session.flush()
            announce.reply(session, config, request, message)
            return IngestResult(InboundOutcome.REPLY.value, message.request.reference)
    created = _new_request(session, customer, mail, mailbox, limits)
    if continued is not None:  # the new request continues the closed one: both pages link them
        services.link_follow_up(session, customer, created, continued)
    _log(session, mail, InboundOutcome.REQUEST, mailbox, created)
    session.flush()
    announce.new_request(session, config, created, guest)
    return IngestResult(InboundOutcome.REQUEST.value, created.reference, guest.id if guest else None)


def _record_bounces(session: Session, bounced: list[loops.Bounce]) -> None:
    from portal.auth.services import find_user_by_email

    for bounce in bounced:
        user = find_user_by_email(session, bounce.recipient)
        session.add(
            MailBounce(
                recipient=bounce.recipient[:254],
                action=bounce.action,
                status=bounce.status,
                diagnostic=bounce.diagnostic,
                original_message_id=bounce.original_message_id,
                user_id=user.id if user else None,
            )
        )


def process(
    session: Session, raw: bytes, config: Mapping[str, Any], mailbox: Mailbox | None = None
) -> IngestResult:
    """Ingest and commit one message; a failure while storing quarantines it instead (also committed).

    Raises only when even the quarantine cannot be written (database down): the caller must then
    leave the message unseen on the server, to be fetched again.
    """
    mailbox_id = mailbox.id if mailbox else None
    try:
        result = ingest(session, raw, config, mailbox)
        session.commit()
        outbox.dispatch(session)
        return result
    except IntegrityError:
        session.rollback()
        parsed = _try_parse(raw)
        if parsed is not None and _seen(session, parsed.message_id):
            return IngestResult("duplicate")  # another fetcher stored it first
        reason = "The message could not be stored (database constraint)."
    except Exception as exc:  # anything else while storing: keep the mail, tell the admin why
        session.rollback()
        log.exception("Inbound mail could not be stored; quarantined.")
        reason = f"The message could not be stored: {type(exc).__name__}: {exc}"[:2000]
    box = session.get(Mailbox, mailbox_id) if mailbox_id else None
    parsed = _try_parse(raw)
    quarantine(session, raw, reason, config, box, parsed)
    if parsed is not None:  # a second delivery of it is a duplicate; a retry from the quarantine lifts this
        _log(session, parsed, InboundOutcome.QUARANTINED, box)
    session.commit()
    return IngestResult(InboundOutcome.QUARANTINED.value, detail=reason)


def _try_parse(raw: bytes) -> ParsedMail | None:
    """The parsed message for the quarantine's list, or None: this runs on the failure path and
    must not raise again (that would stop the fetch and leave the message blocking every run)."""
    try:
        return parse_mail(raw)
    except Exception:
        return None


def retry(session: Session, record: QuarantinedMail, config: Mapping[str, Any]) -> IngestResult:
    """Ingest a quarantined message again (after a fix or to lift a rate limit); the caller commits.

    The rate limit does not apply to a retry: an admin decided to let it in.
    """
    raw = (quarantine_folder(config) / record.stored_name).read_bytes()
    try:
        mail = parse_mail(raw)
    except MailParseError as exc:
        return IngestResult(InboundOutcome.QUARANTINED.value, detail=str(exc))
    session.execute(
        delete(InboundMail).where(
            InboundMail.message_id == mail.message_id, InboundMail.outcome == InboundOutcome.QUARANTINED
        )
    )
    if _seen(session, mail.message_id):
        record.resolved_at = utcnow()
        return IngestResult("duplicate")
    result = _store(session, raw, mail, config, record.mailbox)
    if result.outcome != InboundOutcome.QUARANTINED.value:
        record.resolved_at = utcnow()
        return result
    for again in [o for o in session.new if isinstance(o, QuarantinedMail)]:  # held again: keep one record
        session.expunge(again)
        (quarantine_folder(config) / again.stored_name).unlink(missing_ok=True)
    record.reason = result.detail
    return result

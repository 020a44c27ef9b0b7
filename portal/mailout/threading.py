"""Headers that make every mail about a request thread and route back to it.

Each mail gets a signed Message-ID naming the request (`portal.mail_ids`), `In-Reply-To` the
newest earlier mail of the recipient's thread (ours, or theirs that we received), `References`
the thread's first mail and the most recent ones, a `Reply-To` on the support address
(plus-addressed with the reference when PORTAL_SUPPORT_PLUS_ADDRESS=1) and the reference in
brackets at the start of the subject.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.mail_ids import new_message_id
from portal.models import OutboxMessage, RequestMessage, ServiceRequest, User

#: How many ids References carries at most (the first mail plus the newest ones).
REFERENCES_MAX = 10


def tagged_subject(reference: str, text: str) -> str:
    """`[SR-2026-000123] text` on one line (the reference is what inbound mail is matched by).

    Line breaks in a subject would make the mail library refuse the header (and the save with it).
    """
    return f"[{reference}] {' '.join(text.split())}"


def reply_to(config: Mapping[str, Any], reference: str) -> str:
    """The support address answers go to, plus-addressed with the reference when configured."""
    address = config["SUPPORT_ADDRESS"]
    if config.get("SUPPORT_PLUS_ADDRESS") and "@" in address:
        local, _, domain = address.rpartition("@")
        return f"{local}+{reference}@{domain}"
    return address


def thread_ids(session: Session, request: ServiceRequest, recipient: User) -> list[str]:
    """The Message-IDs of `recipient`'s thread about `request`, oldest first."""
    sent = session.execute(
        select(OutboxMessage.created_at, OutboxMessage.id, OutboxMessage.message_id).where(
            OutboxMessage.request_id == request.id, OutboxMessage.recipient == recipient.email
        )
    ).all()
    received = session.execute(
        select(RequestMessage.created_at, RequestMessage.id, RequestMessage.mail_message_id).where(
            RequestMessage.request_id == request.id,
            RequestMessage.author_id == recipient.id,
            RequestMessage.channel == "email",  # mails they sent us (ours to others carry ids too)
            RequestMessage.mail_message_id.is_not(None),
        )
    ).all()
    ordered = sorted([*sent, *received], key=lambda row: (row[0], row[1]))
    return list(dict.fromkeys(row[2] for row in ordered))


def request_mail(
    session: Session,
    config: Mapping[str, Any],
    request: ServiceRequest,
    recipient: User,
    subject: str,
    text: str,
    files: Sequence[tuple[str, str, bytes]] = (),
) -> EmailMessage:
    """A mail about `request` to `recipient`, threaded on the mails they already have about it.

    `files` are (download name, content type, bytes) attached to the mail.
    """
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = recipient.email
    message["Subject"] = tagged_subject(request.reference, subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = new_message_id(config["SECRET_KEY"], request.reference, config["MAIL_DOMAIN"])
    message["Reply-To"] = reply_to(config, request.reference)
    earlier = thread_ids(session, request, recipient)
    if earlier:
        message["In-Reply-To"] = earlier[-1]
        chain = earlier if len(earlier) <= REFERENCES_MAX else [earlier[0], *earlier[-(REFERENCES_MAX - 1) :]]
        message["References"] = " ".join(chain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    for name, content_type, data in files:
        maintype, _, subtype = content_type.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message

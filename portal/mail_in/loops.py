"""Mail that must never become a request or reply: automatic answers, bounces, our own mail."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import Message
from email.utils import parseaddr

from portal.mail_ids import reference_from_message_id
from portal.mail_in.parse import ParsedMail

#: `Precedence` values of automatic and bulk mail.
AUTOMATIC_PRECEDENCE = frozenset({"bulk", "auto_reply", "junk", "list"})
#: Headers whose presence alone marks an automatic reply (vendor extensions).
AUTOREPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Mailer-Autoreply")
_DAEMON_LOCALPARTS = frozenset({"mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"})
_BOUNCE_SUBJECT = re.compile(
    r"(undeliver|delivery (status notification|failure|has failed)|returned mail|failure notice|"
    r"nie dostarczono|nedoručen|не доставлено|недоставленн)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Bounce:
    """One failed (or delayed) recipient reported by a delivery status notification."""

    recipient: str
    action: str
    status: str | None
    diagnostic: str | None
    original_message_id: str | None


def auto_reply_reason(mail: ParsedMail) -> str | None:
    """Why this mail is an automatic answer (RFC 3834 and common vendor headers), or None."""
    auto = mail.header("Auto-Submitted").lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = mail.header("Precedence").lower()
    if precedence in AUTOMATIC_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name in AUTOREPLY_HEADERS:
        if mail.header(name):
            return f"{name} header"
    if mail.header("X-Auto-Response-Suppress").lower() in ("all", "oof") and mail.header(
        "X-MS-Exchange-Inbox-Rules-Loop"
    ):
        return "Exchange inbox rule"
    return None


def _per_recipient_blocks(report: Message) -> list[Message]:
    blocks: list[Message] = []
    for part in report.walk():
        if part.get_content_type() == "message/delivery-status":
            payload = part.get_payload()
            if isinstance(payload, list):
                blocks.extend(p for p in payload if isinstance(p, Message))
    return blocks[1:] if len(blocks) > 1 else blocks


def _original_message_id(report: Message) -> str | None:
    for part in report.walk():
        if part.get_content_type() in ("message/rfc822", "text/rfc822-headers"):
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if isinstance(inner, Message) and inner.get("Message-ID"):
                return str(inner.get("Message-ID")).strip()[:255]
            if isinstance(payload, str):
                found = re.search(r"^Message-ID:\s*(<[^>]+>)", payload, re.IGNORECASE | re.MULTILINE)
                if found:
                    return found.group(1)[:255]
    return None


def _address_field(value: str) -> str:
    """`rfc822; someone@example.com` to the address."""
    return parseaddr(value.split(";", 1)[-1].strip())[1].lower()


def bounces(mail: ParsedMail) -> list[Bounce] | None:
    """The recipients a bounce reports, or None when the mail is not a bounce.

    RFC 3464 delivery status notifications are read field by field; older non-standard bounces
    (from MAILER-DAEMON with an "Undelivered" subject) still count, with `X-Failed-Recipients`.
    """
    message = mail.message
    if message is None:
        return None
    report_type = (
        (message.get_param("report-type") or "") if message.get_content_type() == "multipart/report" else ""
    )
    if str(report_type).lower() == "delivery-status":
        original = _original_message_id(message)
        found = []
        for block in _per_recipient_blocks(message):
            recipient = _address_field(
                str(block.get("Final-Recipient") or block.get("Original-Recipient") or "")
            )
            if recipient:
                found.append(
                    Bounce(
                        recipient=recipient,
                        action=str(block.get("Action") or "failed").strip().lower()[:20],
                        status=(str(block.get("Status")).strip()[:20] if block.get("Status") else None),
                        diagnostic=(
                            str(block.get("Diagnostic-Code")).strip()
                            if block.get("Diagnostic-Code")
                            else None
                        ),
                        original_message_id=original,
                    )
                )
        return found
    localpart = mail.sender.split("@", 1)[0]
    return_path = mail.header("Return-Path")
    # a null reverse path is what real bounces carry; a subject alone ("Undelivered parcel") is not enough
    if localpart in _DAEMON_LOCALPARTS or (return_path == "<>" and _BOUNCE_SUBJECT.search(mail.subject)):
        failed = [a.strip().lower() for a in mail.header("X-Failed-Recipients").split(",") if "@" in a]
        return [Bounce(r, "failed", None, mail.subject[:500] or None, None) for r in failed]
    return None


_DMARC_FAIL = re.compile(r"\bdmarc\s*=\s*fail\b", re.IGNORECASE)


def spoofing_reason(mail: ParsedMail) -> str | None:
    """Why the sender address looks forged: a receiving server recorded a DMARC failure, or None.

    Only a failure counts: a forged `pass` changes nothing, and a forged `fail` only holds the
    forger's own mail.
    """
    message = mail.message
    if message is None:
        return None
    for value in message.get_all("Authentication-Results", failobj=[]):
        if _DMARC_FAIL.search(str(value)):
            return "The sender's domain failed DMARC: the From address may be forged."
    return None


def is_own_mail(mail: ParsedMail, own_addresses: Iterable[str], secret: str) -> bool:
    """True for mail we sent ourselves: from one of our addresses, or carrying a Message-ID we signed."""
    own = {a.strip().lower() for a in own_addresses if a}
    if mail.sender in own:
        return True
    return reference_from_message_id(secret, mail.message_id) is not None

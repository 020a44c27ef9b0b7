"""Outgoing mail: `outbox://DIR` writes .eml files, `smtp://` sends for real."""

from __future__ import annotations

import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit


class MailError(RuntimeError):
    """The mail URL is invalid or the message could not be handed over."""


def build_message(sender: str, to: str, subject: str, text: str, html: str | None = None):
    """Build a MIME message with a plain-text part and an optional HTML part."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="shopkeeper.example")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def send(mail_url: str, message: EmailMessage) -> None:
    """Deliver `message` through the transport named by `mail_url`."""
    parts = urlsplit(mail_url)
    if parts.scheme == "outbox":
        folder = Path(unquote(parts.netloc + parts.path))
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{uuid.uuid4().hex}.eml").write_bytes(message.as_bytes())
    elif parts.scheme in ("smtp", "smtps"):
        _send_smtp(parts, message)
    else:
        raise MailError(f"Unsupported mail URL scheme {parts.scheme!r} (use outbox:// or smtp://)")


def _send_smtp(parts, message: EmailMessage) -> None:
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    host, port = parts.hostname or "localhost", parts.port
    timeout = float(options.get("timeout", 10))
    try:
        if parts.scheme == "smtps":
            client = smtplib.SMTP_SSL(host, port or 465, timeout=timeout)
        else:
            client = smtplib.SMTP(host, port or 25, timeout=timeout)
        with client:
            if options.get("starttls") in ("1", "true", "yes"):
                client.starttls(context=ssl.create_default_context())
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"Could not send mail via {host}: {exc}") from exc

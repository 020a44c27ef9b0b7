"""The IMAP loop: read unseen mail, ingest each message, mark it \\Seen only after its commit.

A crash at any point loses nothing: a message not yet committed is still unseen on the server and
is fetched again; one committed but not yet flagged is fetched again and recognised by its
Message-ID (a duplicate: flagged, nothing stored twice).
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from imapclient import SEEN, IMAPClient
from imapclient.exceptions import IMAPClientError
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
from portal.mail_in.ingest import IngestResult, process
from portal.mail_in.locks import mailbox_lock
from portal.models import Mailbox, MailSecurity

log = logging.getLogger("portal.mail_in")
#: Messages read per run and mailbox (the next run picks up the rest).
BATCH = 200


class MailboxError(RuntimeError):
    """The mailbox could not be read (connection, TLS, login, folder); the message never holds a password."""


@dataclass
class FetchReport:
    """What one run did for one mailbox."""

    mailbox: str
    results: list[IngestResult] = field(default_factory=list)
    error: str | None = None
    #: Another fetcher was reading this mailbox: skipped this time (not an error).
    busy: bool = False

    def counts(self) -> dict[str, int]:
        """How many messages ended in each outcome."""
        counted: dict[str, int] = {}
        for result in self.results:
            counted[result.outcome] = counted.get(result.outcome, 0) + 1
        return counted


def is_local_host(host: str) -> bool:
    """True for this machine (the only place an unencrypted IMAP connection is allowed)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def tls_context(config: Mapping[str, Any]) -> ssl.SSLContext:
    """A verifying TLS context; PORTAL_MAIL_IMAP_CA_FILE adds a private CA (self-signed servers)."""
    return ssl.create_default_context(cafile=config.get("MAIL_IMAP_CA_FILE") or None)


def connect(mailbox: Mailbox, config: Mapping[str, Any]) -> IMAPClient:
    """A logged-in client on the mailbox's folder (TLS, STARTTLS, or plain on this machine only)."""
    if mailbox.security == MailSecurity.PLAIN and not is_local_host(mailbox.host):
        raise MailboxError(f"{mailbox.name}: an unencrypted connection is only allowed to this machine.")
    context = tls_context(config)
    timeout = config.get("MAIL_IMAP_TIMEOUT", 30)
    try:
        client = IMAPClient(
            mailbox.host,
            port=mailbox.port,
            ssl=mailbox.security == MailSecurity.TLS,
            ssl_context=context,
            timeout=timeout,
        )
    except (OSError, IMAPClientError) as exc:
        raise MailboxError(f"{mailbox.name}: cannot connect to {mailbox.host}:{mailbox.port}: {exc}") from exc
    try:
        if mailbox.security == MailSecurity.STARTTLS:
            client.starttls(context)
        client.login(mailbox.username, mailbox.password)
        client.select_folder(mailbox.folder)
    except (OSError, IMAPClientError, ssl.SSLError) as exc:
        _close(client)
        raise MailboxError(
            f"{mailbox.name}: {type(exc).__name__}: {_without(str(exc), mailbox.password)}"
        ) from exc
    return client


def check_connection(mailbox: Mailbox, config: Mapping[str, Any]) -> int:
    """Connect, log in and open the folder; the number of unseen messages (MailboxError on failure)."""
    client = connect(mailbox, config)
    try:
        return len(client.search(["UNSEEN"]))
    except (OSError, IMAPClientError) as exc:
        raise MailboxError(
            f"{mailbox.name}: {type(exc).__name__}: {_without(str(exc), mailbox.password)}"
        ) from exc
    finally:
        _close(client)


def _without(text: str, secret: str) -> str:
    return text.replace(secret, "***") if secret else text


def _close(client: IMAPClient) -> None:
    with contextlib.suppress(OSError, IMAPClientError):
        client.logout()


def fetch_mailbox(session: Session, mailbox: Mailbox, config: Mapping[str, Any]) -> FetchReport:
    """Ingest the unseen messages of one mailbox, each committed before it is flagged \\Seen."""
    report = FetchReport(mailbox.name)
    mailbox_id = mailbox.id
    try:
        client = connect(mailbox, config)
    except MailboxError as exc:
        report.error = str(exc)
        _note(session, mailbox_id, report.error)
        return report
    try:
        for uid in client.search(["UNSEEN", "NOT", "DELETED"])[:BATCH]:
            fetched = client.fetch([uid], ["BODY.PEEK[]"]).get(uid, {})
            raw = fetched.get(b"BODY[]")
            if raw is None:  # expunged by someone else meanwhile
                continue
            box = session.get(Mailbox, mailbox_id)
            report.results.append(process(session, bytes(raw), config, box))
            client.add_flags([uid], [SEEN])
    except (OSError, IMAPClientError) as exc:
        report.error = f"{mailbox.name}: {type(exc).__name__}: {_without(str(exc), mailbox.password)}"
    finally:
        _close(client)
    _note(session, mailbox_id, report.error)
    return report


def _note(session: Session, mailbox_id: int, error: str | None) -> None:
    box = session.get(Mailbox, mailbox_id)
    if box is not None:
        box.last_fetch_at = utcnow()
        box.last_error = error[:500] if error else None
        session.commit()


def fetch_all(session: Session, config: Mapping[str, Any], name: str | None = None) -> list[FetchReport]:
    """Fetch every active mailbox (or the one named); one failing mailbox does not stop the others."""
    query = select(Mailbox).where(Mailbox.is_active.is_(True)).order_by(Mailbox.id)
    if name:
        query = select(Mailbox).where(Mailbox.name == name)
    reports = []
    engine = session.get_bind()
    for mailbox in session.scalars(query).all():
        with mailbox_lock(engine, config, mailbox.id) as mine:
            if not mine:
                reports.append(FetchReport(mailbox.name, busy=True))
                continue
            reports.append(fetch_mailbox(session, mailbox, config))
        if reports[-1].error:
            log.warning("Mailbox fetch failed: %s", reports[-1].error)
    return reports

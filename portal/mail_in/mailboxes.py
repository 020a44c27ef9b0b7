"""Mailbox settings and quarantine decisions made by admins (audited; the caller commits)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
from knowledge_base.errors import FieldError
from portal import audit
from portal.mail_in.fetch import is_local_host
from portal.mail_in.ingest import IngestResult, retry
from portal.models import Category, InboundMail, Mailbox, MailSecurity, Priority, QuarantinedMail, User

#: The fields an admin edits, as audited (never the password's value).
AUDITED_FIELDS = (
    "name",
    "host",
    "port",
    "security",
    "username",
    "folder",
    "support_address",
    "default_category_id",
    "default_priority",
    "is_active",
)


@dataclass
class MailboxSettings:
    """What the admin submitted; an empty password keeps the stored one."""

    name: str
    host: str
    port: int
    security: str
    username: str
    password: str
    folder: str
    support_address: str
    default_category: str  # category id or ""
    default_priority: str
    is_active: bool


def _check(session: Session, settings: MailboxSettings, mailbox: Mailbox | None) -> None:
    if settings.security not in {s.value for s in MailSecurity}:
        raise FieldError(_l("Choose a connection security from the list."), field="security")
    if settings.security == MailSecurity.PLAIN.value and not is_local_host(settings.host.strip()):
        raise FieldError(
            _l(
                "An unencrypted connection is only allowed to a mail server on this machine: "
                "use TLS or STARTTLS."
            ),
            field="security",
        )
    if settings.default_priority not in {p.value for p in Priority}:
        raise FieldError(_l("Choose a priority from the list."), field="default_priority")
    if mailbox is None and not settings.password:
        raise FieldError(_l("Enter the mailbox password."), field="password")
    clash = session.scalar(select(Mailbox).where(Mailbox.name == settings.name.strip()))
    if clash is not None and clash is not mailbox:
        raise FieldError(_l("Another mailbox has this name."), field="name")


def save_mailbox(
    session: Session, actor: User, mailbox: Mailbox | None, settings: MailboxSettings
) -> Mailbox:
    """Create or update a mailbox; the audit entry lists what changed, never the password."""
    _check(session, settings, mailbox)
    creating = mailbox is None
    box = mailbox or Mailbox()
    before = {f: getattr(box, f, None) for f in AUDITED_FIELDS}
    box.name, box.host, box.port = settings.name.strip(), settings.host.strip(), settings.port
    box.security = MailSecurity(settings.security)
    box.username, box.folder = settings.username.strip(), settings.folder.strip() or "INBOX"
    box.support_address = settings.support_address.strip().lower()
    category_id = int(settings.default_category) if settings.default_category.isdigit() else None
    if category_id is not None and session.get(Category, category_id) is None:
        raise FieldError(_l("Choose a category from the list."), field="default_category")
    box.default_category_id = category_id
    box.default_priority = Priority(settings.default_priority)
    box.is_active = settings.is_active
    password_changed = bool(settings.password) and settings.password != box.password
    if settings.password:
        box.password = settings.password
    if creating:
        session.add(box)
    session.flush()
    changed = sorted(f for f in AUDITED_FIELDS if str(before[f]) != str(getattr(box, f)))
    audit.record(
        session,
        "mailbox.created" if creating else "mailbox.updated",
        actor=actor,
        target=box.name,
        changed=changed,
        password_changed=password_changed,
    )
    return box


def delete_mailbox(session: Session, actor: User, mailbox: Mailbox) -> None:
    """Remove a mailbox; what it brought in stays (its records just lose the link)."""
    for model in (InboundMail, QuarantinedMail):
        session.execute(update(model).where(model.mailbox_id == mailbox.id).values(mailbox_id=None))
    audit.record(session, "mailbox.deleted", actor=actor, target=mailbox.name)
    session.delete(mailbox)


def retry_quarantined(
    session: Session, actor: User, record: QuarantinedMail, config: Mapping[str, Any]
) -> IngestResult:
    """Ingest a quarantined message again, as an admin decided."""
    result = retry(session, record, config)
    audit.record(
        session, "mail.quarantine_retried", actor=actor, target=str(record.id), outcome=result.outcome
    )
    return result


def dismiss_quarantined(session: Session, actor: User, record: QuarantinedMail) -> None:
    """Mark a quarantined message as dealt with (the file stays for the record)."""
    record.resolved_at = utcnow()
    audit.record(session, "mail.quarantine_dismissed", actor=actor, target=str(record.id))

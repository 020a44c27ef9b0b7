"""Inbound mail: mailboxes we read, every message we took in, quarantine, bounces."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from knowledge_base.db import Base, enum_type, utcnow
from portal.models.catalog import Category
from portal.models.requests import Priority, ServiceRequest


class MailSecurity(enum.StrEnum):
    """How the IMAP connection is protected."""

    TLS = "tls"  # implicit TLS (IMAPS, port 993)
    STARTTLS = "starttls"  # plain connection upgraded with STARTTLS (port 143)
    PLAIN = "plain"  # no encryption: refused except for a mail server on this machine


class InboundOutcome(enum.StrEnum):
    """What became of one inbound message."""

    REQUEST = "request"  # a new request
    REPLY = "reply"  # a message in an existing request's thread
    AUTO_REPLY = "auto_reply"  # out-of-office and other automatic mail: ignored
    BOUNCE = "bounce"  # delivery status notification: recorded as MailBounce
    OWN = "own"  # sent by one of our own addresses: ignored (mail loop)
    QUARANTINED = "quarantined"  # kept whole in the quarantine for an admin


class Mailbox(Base):
    """An IMAP mailbox the portal reads new requests and replies from."""

    __tablename__ = "mailboxes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer, default=993)
    security: Mapped[MailSecurity] = mapped_column(enum_type(MailSecurity, 10), default=MailSecurity.TLS)
    username: Mapped[str] = mapped_column(String(255))
    #: Stored as the admin typed it (the IMAP server needs it); never shown back, logged or audited.
    password: Mapped[str] = mapped_column(String(255))
    folder: Mapped[str] = mapped_column(String(255), default="INBOX")
    #: The address customers write to; mail from it is ours and never becomes a request.
    support_address: Mapped[str] = mapped_column(String(254))
    default_category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"))
    default_priority: Mapped[Priority] = mapped_column(enum_type(Priority), default=Priority.NORMAL)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_fetch_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    default_category: Mapped[Category | None] = relationship()

    def __repr__(self) -> str:  # no password here: reprs end up in logs
        return f"<Mailbox {self.name} {self.username}@{self.host}:{self.port}>"


class InboundMail(Base):
    """One message we took in, by Message-ID: the record that makes ingestion happen once."""

    __tablename__ = "inbound_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    mailbox_id: Mapped[int | None] = mapped_column(ForeignKey("mailboxes.id", ondelete="SET NULL"))
    sender: Mapped[str] = mapped_column(String(254), index=True)
    outcome: Mapped[InboundOutcome] = mapped_column(enum_type(InboundOutcome, 20))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("service_requests.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    request: Mapped[ServiceRequest | None] = relationship()


class QuarantinedMail(Base):
    """A message that could not be parsed or stored, kept whole under the instance folder."""

    __tablename__ = "quarantined_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox_id: Mapped[int | None] = mapped_column(ForeignKey("mailboxes.id", ondelete="SET NULL"))
    message_id: Mapped[str | None] = mapped_column(String(255), index=True)
    sender: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(String(255))
    reason: Mapped[str] = mapped_column(Text)
    #: File name under <instance>/mail-quarantine/ (random, never from the mail).
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    #: Set when a retry ingested it (or an admin dismissed it).
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    mailbox: Mapped[Mailbox | None] = relationship()


class MailBounce(Base):
    """A delivery status notification: which recipient failed, how, and for which of our mails."""

    __tablename__ = "mail_bounces"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    action: Mapped[str] = mapped_column(String(20))  # failed, delayed, ...
    status: Mapped[str | None] = mapped_column(String(20))  # 5.1.1
    diagnostic: Mapped[str | None] = mapped_column(Text)
    original_message_id: Mapped[str | None] = mapped_column(String(255))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

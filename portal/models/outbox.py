"""The mail outbox: every mail is stored here with the change that causes it, then sent after commit."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from knowledge_base.db import Base, enum_type, utcnow


class OutboxState(enum.StrEnum):
    PENDING = "pending"  # waiting to be sent (again)
    SENT = "sent"
    FAILED = "failed"  # gave up after the configured attempts; an admin can retry it


class OutboxMessage(Base):
    """One outgoing mail, whole (RFC 5322 bytes), with its delivery state."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_requests.id", ondelete="SET NULL"), index=True
    )
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    state: Mapped[OutboxState] = mapped_column(
        enum_type(OutboxState), default=OutboxState.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    #: While a sender works on the row, others leave it alone (until this time passes: a crashed sender).
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

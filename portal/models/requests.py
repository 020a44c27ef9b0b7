"""Service requests, their messages, attachments, history, canned responses and SLA policies."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from knowledge_base.db import Base, enum_type, utcnow
from portal.models.calendars import Calendar
from portal.models.catalog import Category, CustomerProduct, Product
from portal.models.users import User

if TYPE_CHECKING:
    from portal.models.workspace import Tag


class RequestStatus(enum.StrEnum):
    NEW = "new"
    OPEN = "open"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Priority(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"

    def raised(self) -> Priority:
        """One step more urgent (urgent stays urgent)."""
        order = list(Priority)
        return order[min(order.index(self) + 1, len(order) - 1)]


#: The statuses in which a request still needs work: the one definition (staff queue "active",
#: customer list "active", SLA clocks and escalation, `ServiceRequest.is_open`).
OPEN_STATUSES = (RequestStatus.NEW, RequestStatus.OPEN, RequestStatus.WAITING_ON_CUSTOMER)


#: The ways a request or message reaches the portal.
CHANNELS = ("web", "email", "phone", "counter", "api")


class ServiceRequest(Base):
    """A customer's request for help, followed from creation to closure."""

    __tablename__ = "service_requests"
    # list pages read one index range at any table size: a customer's requests newest first,
    # the queue filtered by one status and sorted by due time or age
    __table_args__ = (
        Index("ix_service_requests_customer_id_created_at", "customer_id", "created_at"),
        Index("ix_service_requests_status_resolution_due", "status", "resolution_due"),
        Index("ix_service_requests_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    customer_product_id: Mapped[int | None] = mapped_column(ForeignKey("customer_products.id"))
    priority: Mapped[Priority] = mapped_column(enum_type(Priority), default=Priority.NORMAL)
    status: Mapped[RequestStatus] = mapped_column(
        enum_type(RequestStatus), default=RequestStatus.NEW, index=True
    )
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    first_response_due: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolution_due: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    first_responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Measured on the SLA clock (business minutes on the policy's calendar): see requests/sla_clock.py.
    first_response_minutes: Mapped[float | None] = mapped_column(Float)
    resolution_minutes: Mapped[float | None] = mapped_column(Float)
    #: SLA-clock minutes spent waiting on the customer (left out of the resolution time).
    paused_minutes: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    #: When the current wait on the customer began (None: the resolution clock runs).
    sla_paused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: How the request reached us: one of CHANNELS.
    channel: Mapped[str] = mapped_column(String(20), default="web", server_default="web", index=True)
    #: The earlier request this one continues (a reply after the reopen window).
    follows_up_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_requests.id", ondelete="SET NULL"), index=True
    )

    __mapper_args__ = {"version_id_col": version}

    customer: Mapped[User] = relationship(foreign_keys=[customer_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    category: Mapped[Category | None] = relationship()
    product: Mapped[Product | None] = relationship()
    customer_product: Mapped[CustomerProduct | None] = relationship()
    follows_up: Mapped[ServiceRequest | None] = relationship(
        remote_side=[id], foreign_keys=[follows_up_id], back_populates="follow_ups"
    )
    follow_ups: Mapped[list[ServiceRequest]] = relationship(
        back_populates="follows_up", foreign_keys=[follows_up_id], order_by="ServiceRequest.id"
    )
    messages: Mapped[list[RequestMessage]] = relationship(
        back_populates="request", order_by="RequestMessage.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[RequestEvent]] = relationship(
        back_populates="request", order_by="RequestEvent.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="request", order_by="Attachment.id", cascade="all, delete-orphan"
    )
    tags: Mapped[list[Tag]] = relationship(secondary="request_tags", order_by="Tag.name")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def request_attachments(self) -> list[Attachment]:
        """The files that came with the request itself (not with a reply)."""
        return [a for a in self.attachments if a.message_id is None]


class RequestMessage(Base):
    """A reply in a request's thread; internal notes are for staff only."""

    __tablename__ = "request_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: How the message reached us: one of CHANNELS.
    channel: Mapped[str] = mapped_column(String(20), default="web", server_default="web")
    #: The RFC 5322 Message-ID of the mail that carried it (inbound) or announced it (outbound).
    mail_message_id: Mapped[str | None] = mapped_column(String(255), unique=True)

    request: Mapped[ServiceRequest] = relationship(back_populates="messages")
    author: Mapped[User] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(order_by="Attachment.id", viewonly=True)


class Attachment(Base):
    """A file a customer attached, stored under the instance folder with a random name."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id", ondelete="CASCADE"), index=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: The reply it came with (None: attached to the request itself).
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("request_messages.id", ondelete="CASCADE"), index=True
    )
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    request: Mapped[ServiceRequest] = relationship(back_populates="attachments")
    message: Mapped[RequestMessage | None] = relationship()

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def display_name(self) -> str:
        """The name to show: control and bidi characters removed (also from names stored before)."""
        from portal.requests.attachments import clean_name

        return clean_name(self.original_name) or self.stored_name


class RequestEvent(Base):
    """One change to a request: who, when, what, from and to."""

    __tablename__ = "request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(30))  # created, status, priority, assignee, escalation, rating
    from_value: Mapped[str | None] = mapped_column(String(120))
    to_value: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    request: Mapped[ServiceRequest] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class ReferenceCounter(Base):
    """The last public reference number handed out per year (allocated atomically)."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class CannedResponse(Base):
    """A recommended scenario: a reply template per category with placeholders."""

    __tablename__ = "canned_responses"
    __table_args__ = (UniqueConstraint("category_id", "locale", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: The language the text is written in; None: offered for every language.
    locale: Mapped[str | None] = mapped_column(String(8))
    #: A macro also sets these on save (None: leave as it is); tags are comma-separated names.
    set_status: Mapped[str | None] = mapped_column(String(30))
    set_priority: Mapped[str | None] = mapped_column(String(20))
    set_tags: Mapped[str | None] = mapped_column(String(200))

    category: Mapped[Category | None] = relationship()

    @property
    def is_macro(self) -> bool:
        """True if applying it changes more than the reply text."""
        return bool(self.set_status or self.set_priority or self.set_tags)


class SlaPolicy(Base):
    """First-response and resolution targets for one priority, in minutes (business minutes of
    `calendar` when it has one, else round-the-clock minutes)."""

    __tablename__ = "sla_policies"

    priority: Mapped[Priority] = mapped_column(enum_type(Priority), primary_key=True)
    first_response_minutes: Mapped[int] = mapped_column(Integer)
    resolution_minutes: Mapped[int] = mapped_column(Integer)
    calendar_id: Mapped[int | None] = mapped_column(ForeignKey("calendars.id", ondelete="SET NULL"))

    calendar: Mapped[Calendar | None] = relationship()

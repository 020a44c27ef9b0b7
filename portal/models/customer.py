"""The customer's picture: notes, article reads, value and class, ERP orders, segments, class SLAs."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from knowledge_base.db import Base, enum_type, utcnow
from portal.models.requests import Priority
from portal.models.users import User


class CustomerClass(enum.StrEnum):
    """ABC class by value: A makes the first 80 % of value, B the next 15 %, C the rest."""

    A = "A"
    B = "B"
    C = "C"


class CustomerNote(Base):
    """An internal note about a customer: staff only, never shown to the customer."""

    __tablename__ = "customer_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])


class ArticleRead(Base):
    """The last time a logged-in user read an article (one row per user and article, bounded per user)."""

    __tablename__ = "article_reads"
    __table_args__ = (Index("ix_article_reads_user_read", "user_id", "read_at"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CustomerValue(Base):
    """A customer's value (in cents) over the classification window and the class it earned."""

    __tablename__ = "customer_values"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    value_cents: Mapped[int] = mapped_column(BigInteger, default=0, index=True)
    customer_class: Mapped[CustomerClass | None] = mapped_column(enum_type(CustomerClass, 1), index=True)
    run_id: Mapped[int | None] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ClassificationRun(Base):
    """One run of `portal customers classify`: its phase and position, so an interrupted run resumes."""

    __tablename__ = "classification_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    phase: Mapped[str] = mapped_column(String(20), default="values")  # values | classes | done
    source: Mapped[str] = mapped_column(String(40))
    window_start: Mapped[date] = mapped_column(Date)
    last_user_id: Mapped[int] = mapped_column(Integer, default=0)
    max_user_id: Mapped[int] = mapped_column(Integer, default=0)
    total_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    a_min_cents: Mapped[int | None] = mapped_column(BigInteger)
    b_min_cents: Mapped[int | None] = mapped_column(BigInteger)
    #: A run holds the lease while it works; another run may take over only after it expires.
    lease_owner: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OrderTotal(Base):
    """An order total from the ERP (purchased goods and services), imported from CSV."""

    __tablename__ = "order_totals"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_ref: Mapped[str] = mapped_column(String(60), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    total_cents: Mapped[int] = mapped_column(BigInteger)
    ordered_on: Mapped[date] = mapped_column(Date)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_order_totals_user_ordered", "user_id", "ordered_on"),)


class Segment(Base):
    """A named group of customers defined by rules; offers target segments by name."""

    __tablename__ = "segments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    description: Mapped[str] = mapped_column(String(300), default="")
    #: {"classes": ["A"], "languages": ["pl"], "product_kinds": ["washing-machine"],
    #:  "consent": true | false | null, "active_days": 90 | null}
    rules: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class ClassSlaPolicy(Base):
    """First-response and resolution targets for requests of one customer class and priority."""

    __tablename__ = "class_sla_policies"

    customer_class: Mapped[CustomerClass] = mapped_column(enum_type(CustomerClass, 1), primary_key=True)
    priority: Mapped[Priority] = mapped_column(enum_type(Priority), primary_key=True)
    first_response_minutes: Mapped[int] = mapped_column(Integer)
    resolution_minutes: Mapped[int] = mapped_column(Integer)

"""Offers, blocklist terms, link suggestions and what readers did with links."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from knowledge_base.db import Base, enum_type, utcnow
from knowledge_base.models import Article
from portal.models.users import User


class OfferStatus(enum.StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ARCHIVED = "archived"


class Offer(Base):
    """Something we sell, the words that may link to it, and who may see it."""

    __tablename__ = "offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)  # the linker's offer id
    title: Mapped[str] = mapped_column(String(160))
    url: Mapped[str] = mapped_column(String(500))
    phrases: Mapped[dict] = mapped_column(JSON, default=dict)
    require_context: Mapped[dict] = mapped_column(JSON, default=dict)
    exclude_context: Mapped[dict] = mapped_column(JSON, default=dict)
    segments: Mapped[list] = mapped_column(JSON, default=list)  # empty: every segment
    product_kind: Mapped[str] = mapped_column(String(60), default="")
    status: Mapped[OfferStatus] = mapped_column(enum_type(OfferStatus, 20), default=OfferStatus.ACTIVE)
    active_from: Mapped[date | None] = mapped_column(Date)
    active_until: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    def is_live(self, today: date) -> bool:
        """Active and inside its dates."""
        if self.status != OfferStatus.ACTIVE:
            return False
        return (self.active_from is None or self.active_from <= today) and (
            self.active_until is None or today <= self.active_until
        )

    def to_linker(self) -> dict:
        """The OFFERS.json form the linker reads."""
        out = {"id": self.code, "title": self.title, "url": self.url, "phrases": self.phrases}
        if self.product_kind:  # a category word helps the linker tell the offer's word sense
            out["description"] = self.product_kind
        if self.require_context:
            out["require_context"] = self.require_context
        if self.exclude_context:
            out["exclude_context"] = self.exclude_context
        return out


class BlockTerm(Base):
    """A marketer's blocklist term: any document containing it gets no links."""

    __tablename__ = "block_terms"
    __table_args__ = (UniqueConstraint("locale", "term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    locale: Mapped[str] = mapped_column(String(8))
    term: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(40), default="brand")
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SuggestionState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    BLOCKED = "blocked"


class LinkSuggestion(Base):
    """One candidate link the linker found in a published revision, with its verdict and review."""

    __tablename__ = "link_suggestions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("article_revisions.id", ondelete="CASCADE"), index=True
    )
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    locale: Mapped[str] = mapped_column(String(8))
    matched_text: Mapped[str] = mapped_column(String(200))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    sentence: Mapped[str] = mapped_column(Text, default="")
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[SuggestionState] = mapped_column(
        enum_type(SuggestionState, 20), default=SuggestionState.PENDING, index=True
    )
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: The marketer's override that turned the linker's block into an approval (None otherwise).
    override_id: Mapped[int | None] = mapped_column(
        ForeignKey("link_overrides.id", ondelete="SET NULL"), index=True
    )

    article: Mapped[Article] = relationship()
    offer: Mapped[Offer] = relationship()
    override: Mapped[LinkOverride | None] = relationship()


class LinkBlockReason(Base):
    """One reason key (``code:kind``) of a suggestion the linker blocked, for aggregate reports.

    The suggestion's `reasons` JSON stays the full record; this table lets SQL count blocks per
    reason on SQLite and PostgreSQL alike. Rows go with their suggestion (ON DELETE CASCADE).
    """

    __tablename__ = "link_block_reasons"

    suggestion_id: Mapped[int] = mapped_column(
        ForeignKey("link_suggestions.id", ondelete="CASCADE"), primary_key=True
    )
    reason_key: Mapped[str] = mapped_column(String(80), primary_key=True, index=True)


class LinkOverride(Base):
    """A marketer's decision to link a candidate the linker blocked, with the written justification.

    It names the decision it overrode (article, offer, matched text, sentence, reason keys), not a
    suggestion row: rescans replace suggestion rows, and the override applies again to the same
    decision (see portal.marketing.overrides). Revoked overrides stay as history.
    """

    __tablename__ = "link_overrides"
    __table_args__ = (Index("ix_link_overrides_article_offer", "article_id", "offer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    locale: Mapped[str] = mapped_column(String(8))
    matched_text: Mapped[str] = mapped_column(String(200))
    sentence: Mapped[str] = mapped_column(Text, default="")
    reasons: Mapped[list] = mapped_column(JSON, default=list)  # the stored reasons it overrode
    reason_keys: Mapped[list] = mapped_column(JSON, default=list)  # their code:kind keys
    justification: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    article: Mapped[Article] = relationship()
    offer: Mapped[Offer] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    @property
    def active(self) -> bool:
        """Not revoked."""
        return self.revoked_at is None


class LinkEvent(Base):
    """An impression or a click of a rendered link.

    History outlives suggestions: a rescan replaces suggestion rows, and their events keep the
    offer, article and matched text (the suggestion id becomes NULL), so reports keep counting them.
    """

    __tablename__ = "link_events"
    __table_args__ = (Index("ix_link_events_visitor_link", "visitor", "offer_id", "article_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int | None] = mapped_column(
        ForeignKey("link_suggestions.id", ondelete="SET NULL"), index=True
    )
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    matched_text: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(12))  # impression | click
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    session_key: Mapped[str] = mapped_column(String(64), default="")
    visitor: Mapped[str] = mapped_column(String(64), default="")  # see portal.marketing.events
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

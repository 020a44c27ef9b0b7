"""Knowledge-base models: categories, articles, revisions, feedback, deflection events."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from knowledge_base.db import Base, enum_type, utcnow
from knowledge_base.locales import DEFAULT_LOCALE
from knowledge_base.names import LocalizedName


class Category(LocalizedName, Base):
    """A two-level category used by articles and service requests (its name in every language)."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    parent: Mapped[Category | None] = relationship(remote_side="Category.id")


class ArticleStatus(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class Article(Base):
    """One article in one locale; translations share a `translation_key`."""

    __tablename__ = "articles"
    __table_args__ = (UniqueConstraint("slug", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), index=True)
    locale: Mapped[str] = mapped_column(String(8), default=DEFAULT_LOCALE)
    translation_key: Mapped[str] = mapped_column(String(120), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    status: Mapped[ArticleStatus] = mapped_column(
        enum_type(ArticleStatus, 20), default=ArticleStatus.DRAFT, index=True
    )
    published_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("article_revisions.id", use_alter=True, ondelete="SET NULL")
    )
    # the published copy, denormalised for fast lists and search
    title: Mapped[str] = mapped_column(String(200), default="")
    tags: Mapped[list] = mapped_column(JSON, default=list)
    body_html: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    # the service request this article was drafted from ("turn this request into an article"); no
    # foreign key: adding one to `articles` on SQLite means a table copy (see migration 0017), and
    # an erased request leaves just a stale number here
    source_request_id: Mapped[int | None] = mapped_column(Integer, default=None)
    helpful_yes: Mapped[int] = mapped_column(Integer, default=0)
    helpful_no: Mapped[int] = mapped_column(Integer, default=0)
    views: Mapped[int] = mapped_column(Integer, default=0)

    category: Mapped[Category | None] = relationship()
    revisions: Mapped[list[ArticleRevision]] = relationship(
        back_populates="article",
        foreign_keys="ArticleRevision.article_id",
        order_by="ArticleRevision.id",
        cascade="all, delete-orphan",
    )
    published_revision: Mapped[ArticleRevision | None] = relationship(
        foreign_keys=[published_revision_id], post_update=True
    )

    @property
    def latest_revision(self) -> ArticleRevision | None:
        return self.revisions[-1] if self.revisions else None

    @property
    def helpfulness(self) -> float | None:
        votes = self.helpful_yes + self.helpful_no
        return self.helpful_yes / votes if votes else None


class RevisionState(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    SENT_BACK = "sent_back"
    SUPERSEDED = "superseded"


class Significance(enum.StrEnum):
    """How much a source-language revision changes the meaning (Kitsune's TYPO/MAJOR, simplified).

    A published MAJOR revision makes every translation based on an older revision "outdated".
    """

    MINOR = "minor"
    MAJOR = "major"


class ArticleRevision(Base):
    """Every save of an article: Markdown, who, why, and its review."""

    __tablename__ = "article_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body_md: Mapped[str] = mapped_column(Text)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    comment: Mapped[str] = mapped_column(String(500), default="")
    state: Mapped[RevisionState] = mapped_column(enum_type(RevisionState, 20), default=RevisionState.DRAFT)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    review_comment: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # the category this revision files the article under; it goes live with the revision
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    # a translation's revision: the source-language revision it translates (Kitsune's based_on)
    # (no foreign key, like `Article.source_request_id`; readers check it belongs to the source)
    based_on_id: Mapped[int | None] = mapped_column(Integer, default=None)
    # a source-language revision: does it change the meaning (major) or not (minor)?
    significance: Mapped[Significance] = mapped_column(
        enum_type(Significance, 10), default=Significance.MINOR, server_default="minor"
    )

    article: Mapped[Article] = relationship(back_populates="revisions", foreign_keys=[article_id])
    category: Mapped[Category | None] = relationship()


class ArticleFeedback(Base):
    """'Was this helpful?': one vote per user or browser session."""

    __tablename__ = "article_feedback"
    __table_args__ = (UniqueConstraint("article_id", "voter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    voter: Mapped[str] = mapped_column(String(80))  # "user:<id>" or "session:<random>"
    helpful: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # an editor has dealt with this comment (it leaves the "needs update" signal)
    handled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class DeflectionEvent(Base):
    """Request-form deflection: a suggestion shown/opened, or the request raised anyway."""

    __tablename__ = "deflection_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    form_session: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # opened | submitted
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

"""Indexes that make reading pages cost the same at any data size."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from knowledge_base.db import Base
from knowledge_base.models import Article


class ArticleTag(Base):
    """One tag of an article, as a row: `related()` finds articles sharing a tag by index.

    Kept equal to `Article.tags` (a JSON list, not indexable on every database) by
    `portal.kb.tags`, on every flush that changes an article's tags.
    """

    __tablename__ = "article_tags"
    __table_args__ = (Index("ix_article_tags_tag_article_id", "tag", "article_id"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    tag: Mapped[str] = mapped_column(String(60), primary_key=True)

    article: Mapped[Article] = relationship()

"""Translating articles: which source revision a translation is based on, and what changed since.

The rules (outdated, missing) are `knowledge_base.l10n`'s; this module prepares the editor.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base import l10n
from knowledge_base.locales import DEFAULT_LOCALE
from knowledge_base.models import Article, ArticleRevision, ArticleStatus
from knowledge_base.rendered_diff import SideBySide, side_by_side


@dataclass(frozen=True)
class SourceView:
    """What a translator sees of the original: its live revision and the changes since their base."""

    source: Article
    live: ArticleRevision
    base: ArticleRevision | None
    diff: SideBySide | None  # None when the base is the live revision (nothing to catch up on)


def published_source(session: Session, translation_key: str) -> Article | None:
    """The published source-language article of a translation group."""
    return session.scalar(
        select(Article).where(
            Article.translation_key == translation_key,
            Article.locale == DEFAULT_LOCALE,
            Article.status == ArticleStatus.PUBLISHED,
        )
    )


def base_for(session: Session, translation_key: str, locale: str, requested: int | None) -> int | None:
    """The source revision a new translation revision records as its base.

    The revision the translator was shown (`requested`) when it is one of the source's revisions
    that went live; otherwise the source's live revision. None for source-language articles.
    """
    if locale == DEFAULT_LOCALE:
        return None
    source = published_source(session, translation_key)
    if source is None:
        return None
    if requested is not None:
        revision = session.get(ArticleRevision, requested)
        if revision is not None and revision.article_id == source.id and revision.state in l10n.WENT_LIVE:
            return revision.id
    return source.published_revision_id


def source_view(
    session: Session, translation_key: str, locale: str, base_id: int | None
) -> SourceView | None:
    """The original for a translator working in `locale` from `base_id` (None for the source itself)."""
    if locale == DEFAULT_LOCALE:
        return None
    source = published_source(session, translation_key)
    if source is None or source.published_revision is None:
        return None
    live = source.published_revision
    base = session.get(ArticleRevision, base_id) if base_id else None
    if base is not None and base.article_id != source.id:
        base = None
    if base is not None and base.id == live.id:
        return SourceView(source, live, base, None)
    old = base.body_md if base is not None else ""
    return SourceView(source, live, base, side_by_side(old, live.body_md))

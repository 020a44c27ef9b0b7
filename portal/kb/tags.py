"""Article tags as indexed rows (`ArticleTag`), kept equal to `Article.tags` on every flush."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import delete, event, inspect
from sqlalchemy.orm import Session

from knowledge_base.models import Article
from portal.models import ArticleTag


def _tags_changed(session: Session, article: Article) -> bool:
    return article in session.new or inspect(article).attrs.tags.history.has_changes()


def sync_tags(session: Session) -> None:
    """Replace the tag rows of every new article and every article whose tags changed."""
    for article in [o for o in (*session.new, *session.dirty) if isinstance(o, Article)]:
        if not _tags_changed(session, article):
            continue
        if article.id is not None:
            session.execute(delete(ArticleTag).where(ArticleTag.article_id == article.id))
            for stale in [o for o in session.identity_map.values() if isinstance(o, ArticleTag)]:
                if stale.article_id == article.id:
                    session.expunge(stale)
        for tag in dict.fromkeys(str(t)[:60] for t in article.tags or [] if str(t)):
            session.add(ArticleTag(article=article, tag=tag))


def init_app(app: Flask) -> None:
    """Keep tag rows in step in every session the app makes."""

    @event.listens_for(app.extensions["db_sessionmaker"], "before_flush")
    def _sync(session: Session, _context, _instances) -> None:
        sync_tags(session)

"""The app's search backend, and keeping it in step with published articles.

The database is the truth. Publishing commits first and then updates the index; if the process
dies in between, the index misses that change until `portal kb reindex` rebuilds it from the
database (safe to run at any time, e.g. after a crash or from cron).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.models import Article, ArticleStatus
from knowledge_base.render import plain_text
from knowledge_base.search import SearchBackend, SearchDocument


def backend(app: Flask | None = None) -> SearchBackend:
    """The configured backend, created once per app."""
    app = app or current_app
    if "kb_search" not in app.extensions:
        if app.config["SEARCH_BACKEND"] == "postgres":
            from knowledge_base.search.postgres import PostgresBackend

            app.extensions["kb_search"] = PostgresBackend(app.extensions["db_engine"])
        else:
            from knowledge_base.search.whoosh import WhooshBackend

            app.extensions["kb_search"] = WhooshBackend(Path(app.config["INSTANCE_PATH"]) / "kb-index")
    return app.extensions["kb_search"]


def document_for(article: Article) -> SearchDocument:
    category = article.category.slug if article.category else ""
    return SearchDocument(
        article_id=article.id,
        slug=article.slug,
        locale=article.locale,
        title=article.title,
        body_text=plain_text(article.body_html),
        tags=tuple(article.tags or ()),
        category=category,
    )


def sync(articles: list[Article]) -> None:
    """After a commit: index published articles, drop the others."""
    search = backend()
    search.index([document_for(a) for a in articles if a.status == ArticleStatus.PUBLISHED])
    for article in articles:
        if article.status != ArticleStatus.PUBLISHED:
            search.remove(article.id)


def reindex(session: Session, app: Flask | None = None) -> int:
    """Rebuild the index from the database; returns how many articles it holds."""
    search = backend(app)
    search.clear()
    articles = list(session.scalars(select(Article).where(Article.status == ArticleStatus.PUBLISHED)))
    for start in range(0, len(articles), 500):
        search.index([document_for(a) for a in articles[start : start + 500]])
    return len(articles)


#: Shortest text worth suggesting articles for; longest text sent to the search.
SUGGEST_MIN_CHARS = 3
SUGGEST_MAX_CHARS = 200


def suggest(query: str, locale: str, limit: int = 5) -> list:
    """Published articles that may already answer `query` (request form deflection, acknowledgements)."""
    query = query[:SUGGEST_MAX_CHARS].strip()
    if len(query) < SUGGEST_MIN_CHARS:
        return []
    return list(backend().search(query, locale, per_page=limit).hits)[:limit]

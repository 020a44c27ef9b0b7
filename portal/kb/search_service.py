"""The app's search backend, and keeping it in step with published articles.

The database is the truth. Publishing commits first and then updates the index; if the process
dies in between, the index misses that change until `portal kb reindex` rebuilds it from the
database (safe to run at any time, e.g. after a crash or from cron).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
from knowledge_base.models import Article, ArticleStatus
from knowledge_base.render import plain_text
from knowledge_base.search import SearchBackend, SearchDocument, SearchHit, SearchPage
from portal import batches
from portal.cache import bump_generation, cache, generation
from portal.cache_events import KB
from portal.kb.query_language import QueryLanguageDetector
from portal.models.insights import SEARCH_LOG_MAX, SearchLog

SEARCH_TTL = 300
#: The app extension holding this worker's unwritten search log rows (portal/batches.py).
SEARCH_LOGS = "kb_search_logs"
#: Results shown from the query's own language when it differs from the page's.
OTHER_LANGUAGE_HITS = 5


@dataclass(frozen=True)
class LocalisedHit(SearchHit):
    """A search hit with the language of its article (for its label and its address)."""

    locale: str = ""


@dataclass
class CrossLanguageResults:
    """The page language's results, and those in the query's own language when that differs."""

    locale: str
    page: SearchPage
    other_locale: str | None = None
    other_hits: list[LocalisedHit] = field(default_factory=list)


def init_app(app: Flask) -> None:
    """Build the query-language detector once per app (its models load on the first query)."""
    app.extensions["kb_query_language"] = QueryLanguageDetector(tuple(app.config["SUPPORTED_LOCALES"]))


def query_language(query: str) -> str | None:
    """The query's language when it is clearly one of the portal's, else None."""
    return current_app.extensions["kb_query_language"].detect(query)


def _other_language(query: str, locale: str) -> str | None:
    detected = query_language(query)
    return detected if detected is not None and detected != locale else None


def localised(hits: list[SearchHit], locale: str) -> list[LocalisedHit]:
    """The hits, labelled with their language."""
    return [LocalisedHit(**dataclasses.asdict(hit), locale=locale) for hit in hits]


def search_across(query: str, locale: str, *, category: str = "", page: int = 1) -> CrossLanguageResults:
    """Search the page's language; when the query is clearly in another language, search that too."""
    results = CrossLanguageResults(locale, cached_search(query, locale, category=category, page=page))
    other = _other_language(query, locale)
    if other is not None and page == 1:
        found = cached_search(query, other, category=category, page=1)
        results.other_locale = other
        results.other_hits = localised(found.hits[:OTHER_LANGUAGE_HITS], other)
    return results


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


def cached_search(query: str, locale: str, *, category: str = "", page: int = 1) -> SearchPage:
    """A search results page, kept until the knowledge base changes (or SEARCH_TTL seconds pass).

    Replaces one index search per request: popular queries are asked again and again, and the
    answer changes only when articles do (the `kb` cache generation).
    """
    key = (
        "shopkeeper:kb:search:"
        + hashlib.sha256(json.dumps([query, locale, category, page, generation(KB)]).encode()).hexdigest()
    )
    store = cache()
    found = store.get(key)
    if found is not None:
        data = json.loads(found)
        data["hits"] = [SearchHit(**hit) for hit in data["hits"]]
        return SearchPage(**data)
    results = backend().search(query, locale, category=category, page=page)
    store.set(key, json.dumps(dataclasses.asdict(results)), ttl=SEARCH_TTL)
    return results


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
    bump_generation(KB)  # results cached between the commit and this update are retired


def reindex(session: Session, app: Flask | None = None) -> int:
    """Rebuild the index from the database; returns how many articles it holds."""
    search = backend(app)
    search.clear()
    articles = list(session.scalars(select(Article).where(Article.status == ArticleStatus.PUBLISHED)))
    for start in range(0, len(articles), 500):
        search.index([document_for(a) for a in articles[start : start + 500]])
    bump_generation(KB, app)
    return len(articles)


#: Shortest text worth suggesting articles for; longest text sent to the search.
SUGGEST_MIN_CHARS = 3
SUGGEST_MAX_CHARS = 200


def suggest(query: str, locale: str, limit: int = 5) -> list[LocalisedHit]:
    """Published articles that may already answer `query` (request form deflection, acknowledgements).

    When the text is clearly in another language than `locale`, articles in that language come
    first (they match the words the customer used), then those in `locale`.
    """
    query = query[:SUGGEST_MAX_CHARS].strip()
    if len(query) < SUGGEST_MIN_CHARS:
        return []
    hits = localised(list(backend().search(query, locale, per_page=limit).hits), locale)
    other = _other_language(query, locale)
    if other is not None:
        hits = localised(list(backend().search(query, other, per_page=limit).hits), other) + hits
    return hits[:limit]


def log_search(query: str, locale: str, results: int) -> None:
    """Note a reader's search (lower-cased, spaces folded) for the dashboard's "no result" list."""
    text = " ".join(query.lower().split())[:SEARCH_LOG_MAX]
    if not text:
        return
    row = {"query": text, "locale": locale[:8], "results": results, "created_at": utcnow()}
    # kept and written in batches (portal/batches.py): no write transaction per search
    batches.keep(batches.pending(SEARCH_LOGS, "SEARCH_LOG_FLUSH_SECONDS", _write_search_logs), [row])


def _write_search_logs(session: Session, rows: list[dict]) -> None:
    session.execute(insert(SearchLog), rows)


def flush_search_logs() -> None:
    """Write this worker's pending search log rows now (before the statistics read them)."""
    batches.flush(SEARCH_LOGS)

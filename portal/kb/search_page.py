"""The search page's content (search box, category filter, results, pager), rendered once and cached.

The content is the same for every reader asking the same thing in the same interface language:
results do not depend on who searches. The key carries the query, category, page, content and
interface languages, the script root (links) and the `kb` cache generation (bumped by any commit
that changes articles or categories), so publishing or renaming a category retires every entry;
entries also expire after SEARCH_TTL seconds, as cached results do (in-process caches are per
worker). Each search is still logged by the view, with the result count kept beside the HTML.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from flask import render_template, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.models import Category
from portal.cache import cache, generation
from portal.cache_events import KB
from portal.kb import search_service


@dataclass(frozen=True)
class SearchContent:
    """The rendered content and what the search log needs."""

    html: str
    searched: bool  # a query was asked (else only the box and the filter are shown)
    total: int  # results in the page's language plus those shown in the query's language


def content_key(query: str, locale: str, ui_locale: str, category: str, page: int) -> str:
    """The cache key of one search page's content."""
    parts = [query, locale, ui_locale, category, page, request.script_root, generation(KB)]
    return "shopkeeper:kb:search-page:" + hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def search_content(
    session: Session, query: str, locale: str, ui_locale: str, category: str, page: int
) -> SearchContent:
    """The content of the search page for these arguments, from the cache when it was shown before.

    An unknown category reads as none and a page without a query as page 1 (what the page shows
    anyway), so made-up URLs cannot each fill a cache entry."""
    if category and category not in category_slugs(session):
        category = ""
    if not query:
        page = 1
    key = content_key(query, locale, ui_locale, category, page)
    store = cache()
    found = store.get(key)
    if found is not None:
        return SearchContent(**json.loads(found))
    content = _render(session, query, locale, category, page)
    store.set(key, json.dumps(content.__dict__), ttl=search_service.SEARCH_TTL)
    return content


def _render(session: Session, query: str, locale: str, category: str, page: int) -> SearchContent:
    found = search_service.search_across(query, locale, category=category, page=page) if query else None
    results = found.page if found is not None else None
    other_hits = found.other_hits if found is not None else []
    html = render_template(
        "kb/_search_content.html",
        query=query,
        results=results,
        other_locale=found.other_locale if found is not None else None,
        other_hits=other_hits,
        category=category,
        categories=session.scalars(select(Category).order_by(Category.name)).all(),
        content_locale=locale,
    )
    total = results.total + len(other_hits) if results is not None else 0
    return SearchContent(html=html, searched=results is not None, total=total)


def category_slugs(session: Session) -> frozenset[str]:
    """The categories' slugs, cached per `kb` generation."""
    key = f"shopkeeper:kb:category-slugs:{generation(KB)}"
    store = cache()
    found = store.get(key)
    if found is not None:
        return frozenset(json.loads(found))
    slugs = sorted(session.scalars(select(Category.slug)))
    store.set(key, json.dumps(slugs), ttl=search_service.SEARCH_TTL)
    return frozenset(slugs)

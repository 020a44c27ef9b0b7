"""Rendered parts of reading pages, cached: article pages by revision, locale and link variant;
the knowledge-base front page by locale.

Keys carry everything the HTML depends on: the live revision id (publishing makes a new key),
the reader's language, the links this reader may see with their review states (approving or
rejecting a link makes a new key), and the `kb` cache generation (bumped by any commit that
changes articles or categories, see portal/cache_events.py), so no entry needs deleting.
Entries also expire after FRAGMENT_TTL seconds: in-process caches are per worker.
"""

from __future__ import annotations

import hashlib
import json

from flask import render_template
from sqlalchemy.orm import Session

from knowledge_base.models import Article
from portal.cache import cache, generation
from portal.cache_events import KB
from portal.kb import reading
from portal.marketing import linking
from portal.models import LinkSuggestion

FRAGMENT_TTL = 300
#: The article page parts that are the same for every reader who sees the same links.
ARTICLE_PARTS = ("breadcrumbs", "article", "translations", "related")


def article_key(article: Article, shown: list[LinkSuggestion], locale: str) -> str:
    """The cache key of an article page's shared parts for a reader who sees `shown`."""
    variant = ",".join(f"{s.id}:{s.state.value}" for s in shown) or "-"
    return (
        f"shopkeeper:kb:article:{article.id}:{article.published_revision_id}:{locale}:"
        f"{variant}:{generation(KB)}"
    )


def article_parts(session: Session, article: Article, shown: list[LinkSuggestion], locale: str) -> dict:
    """The breadcrumbs, body (with the reader's links), translations and related articles as HTML."""
    key = article_key(article, shown, locale)
    store = cache()
    cached = store.get(key)
    if cached is not None:
        return json.loads(cached)
    parts = {
        "breadcrumbs": render_template("kb/_article_breadcrumbs.html", article=article),
        "article": render_template(
            "kb/_article_body.html", article=article, article_html=linking.render_with_links(article, shown)
        ),
        "translations": render_template(
            "kb/_article_translations.html", translations=reading.translations(session, article)
        ),
        "related": render_template(
            "kb/_article_related.html", related=reading.related(session, article, article.locale)
        ),
    }
    store.set(key, json.dumps(parts), ttl=FRAGMENT_TTL)
    return parts


def page_key(part_key: str, *variant: object) -> str:
    """The cache key of a whole memoised page: its parts' key and what else it shows (hashed)."""
    return f"shopkeeper:kb:page:{etag(part_key, *variant)}"


def etag(*parts: object) -> str:
    """A strong validator from the values a page depends on."""
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]


def kb_index_parts(session: Session, locale: str, interface: str) -> dict:
    """The front page's category tree and article lists in `locale`, as HTML around `interface` text."""
    key = f"shopkeeper:kb:index:{locale}:{interface}:{generation(KB)}"
    store = cache()
    cached = store.get(key)
    if cached is not None:
        return json.loads(cached)
    parts = {
        "categories": render_template(
            "kb/_index_categories.html", tree=reading.category_tree(session), content_locale=locale
        ),
        "lists": render_template(
            "kb/_index_lists.html",
            helpful=reading.most_helpful(session, locale),
            recent=reading.recently_updated(session, locale),
            content_locale=locale,
        ),
    }
    store.set(key, json.dumps(parts), ttl=FRAGMENT_TTL)
    return parts

"""One address per article and language: `/kb/<locale>/a/<slug>`, and finding the right one.

The locale in the path is the language of the page's *content*; the interface (navigation, buttons,
notices) stays in the reader's own language. So `<html lang>` names the interface language and the
content carries its own `lang` (`<article lang="pl">`, search results and links in another language
carry theirs): screen readers switch voice for the content, and search engines learn each address's
language from `hreflang` alternates, the canonical link and the sitemap, not from `<html lang>`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from flask import current_app, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.locales import DEFAULT_LOCALE
from knowledge_base.models import Article, ArticleStatus
from portal import row_cache
from portal.cache import cache, generation, shared_generation
from portal.cache_events import ARTICLES, KB
from portal.mail import external_url

#: hreflang of the address offered to readers whose language has no version.
X_DEFAULT = "x-default"
#: Where a worker keeps published articles by address (app.extensions), and for how long.
ARTICLE_ENTRIES = "kb_article_cache"
ARTICLE_TTL = 300
#: What an article page needs of its article before its cached parts (immutable values only);
#: the other columns (body, tags, counters) load when first read.
ARTICLE_COLUMNS = (
    "id",
    "slug",
    "locale",
    "translation_key",
    "category_id",
    "status",
    "published_revision_id",
    "title",
    "published_at",
)


@dataclass(frozen=True)
class Alternate:
    """One language version of a page: its hreflang and absolute address."""

    hreflang: str
    url: str


def supported_locales() -> tuple[str, ...]:
    """The content languages addresses may name (the app's configured locales)."""
    return tuple(current_app.config["SUPPORTED_LOCALES"])


def article_url(article: Article, **params: str) -> str:
    """The article's own address (in its language), relative to the site."""
    return url_for("kb.article", locale=article.locale, slug=article.slug, **params)


def absolute_article_url(article: Article | str, slug: str = "") -> str:
    """The article's own address on PORTAL_BASE_URL (for mail, feeds, hreflang and the sitemap).

    Takes an article, or a locale and a slug (search hits carry no article).
    """
    if isinstance(article, Article):
        return external_url("kb.article", locale=article.locale, slug=article.slug)
    return external_url("kb.article", locale=article, slug=slug)


def with_query(path: str) -> str:
    """`path` (built by url_for, so always on this site) with this request's query string, re-encoded."""
    pairs = list(request.args.items(multi=True))
    return f"{path}?{urlencode(pairs)}" if pairs else path


def _published(session: Session):
    return select(Article).where(Article.status == ArticleStatus.PUBLISHED)


def published_versions(session: Session, article: Article) -> list[Article]:
    """Every published language version of the article (itself included), by locale."""
    return list(
        session.scalars(
            _published(session)
            .where(Article.translation_key == article.translation_key)
            .order_by(Article.locale)
        )
    )


@dataclass(frozen=True)
class Version:
    """One published language version of an article: what a link to it needs."""

    locale: str
    slug: str


#: How long a worker keeps an article's version list (the `kb` generation renews it at once).
VERSIONS_TTL = 300


def cached_versions(session: Session, article: Article) -> list[Version]:
    """`published_versions` as links, cached until the knowledge base changes (every article
    page needs them for its hreflang alternates; publishing or archiving bumps the generation)."""
    key = f"shopkeeper:kb:versions:{article.translation_key}:{generation(KB)}"
    store = cache()
    found = store.get(key)
    if found is not None:
        return [Version(locale, slug) for locale, slug in json.loads(found)]
    versions = [Version(v.locale, v.slug) for v in published_versions(session, article)]
    store.set(key, json.dumps([[v.locale, v.slug] for v in versions]), ttl=VERSIONS_TTL)
    return versions


def alternates(versions: list[Article] | list[Version]) -> list[Alternate]:
    """hreflang alternates for the given versions, plus `x-default` (English, else the first)."""
    if not versions:
        return []
    links = [Alternate(v.locale, absolute_article_url(v.locale, v.slug)) for v in versions]
    default = next((v for v in versions if v.locale == DEFAULT_LOCALE), versions[0])
    return [*links, Alternate(X_DEFAULT, absolute_article_url(default.locale, default.slug))]


def page_alternates(endpoint: str, **values: str) -> list[Alternate]:
    """hreflang alternates of a page that exists in every language (index, category): one per
    configured locale, plus `x-default` (English)."""
    links = [Alternate(code, external_url(endpoint, locale=code, **values)) for code in supported_locales()]
    return [*links, Alternate(X_DEFAULT, external_url(endpoint, locale=DEFAULT_LOCALE, **values))]


def published_article(session: Session, slug: str, locale: str) -> Article | None:
    """The published article with this slug in exactly this language."""
    return session.scalar(_published(session).where(Article.slug == slug, Article.locale == locale))


def cached_published_article(session: Session, slug: str, locale: str) -> Article | None:
    """`published_article`, kept by this worker until any article changes (a shared generation:
    publishing, archiving or editing on any worker is seen by every worker's next request)."""
    app = current_app._get_current_object()
    version = shared_generation(ARTICLES, app)
    if version is None:
        return published_article(session, slug, locale)
    key = f"{locale}:{version}:{slug}"
    entries = row_cache.entries(app, ARTICLE_ENTRIES)
    kept = entries.get(key)
    if kept is not None:
        return row_cache.attach(session, Article, kept)
    found = published_article(session, slug, locale)  # read after the generation (see identity_cache)
    if found is not None:
        entries.set(key, row_cache.values(found, ARTICLE_COLUMNS), ttl=ARTICLE_TTL)
    return found


def moved_article(session: Session, slug: str, locale: str, reader_locale: str) -> Article | None:
    """Where an address whose slug is not published in `locale` should go, or None (404).

    The slug names an article in other languages: its version in `locale` if there is one (a
    translation with its own slug), else in the reader's language, else English, else any.
    """
    found = list(session.scalars(_published(session).where(Article.slug == slug).order_by(Article.locale)))
    if not found:
        return None
    versions = {v.locale: v for v in published_versions(session, found[0])}
    for wanted in (locale, reader_locale, DEFAULT_LOCALE):
        if wanted in versions:
            return versions[wanted]
    return found[0]


def reader_article(session: Session, slug: str, reader_locale: str) -> Article | None:
    """For an old address without a language: the reader's version of the slug's article, else as above."""
    return moved_article(session, slug, reader_locale, reader_locale)


def switched_path(session: Session, path: str, locale: str) -> str:
    """A knowledge-base address in `locale` for the language switcher; other paths are returned unchanged.

    `/kb/en/a/<slug>` becomes the Polish version's own address when there is one (else stays: the
    English page then tells the reader no translation exists); index, category and search
    addresses swap their locale segment. The query string is kept.
    """
    parts = urlsplit(path)
    segments = parts.path.split("/")
    # ["", "kb", locale, ...]
    if len(segments) < 3 or segments[1] != "kb" or segments[2] not in supported_locales():
        return path
    if locale not in supported_locales():
        return path
    query = f"?{parts.query}" if parts.query else ""
    if len(segments) >= 5 and segments[3] == "a":
        current = published_article(session, "/".join(segments[4:]), segments[2])
        if current is None:
            return path
        target = next((v for v in published_versions(session, current) if v.locale == locale), None)
        return article_url(target) + query if target is not None else path
    segments[2] = locale
    return "/".join(segments) + query


def missing_translation(
    article: Article, versions: list[Article] | list[Version], reader: str
) -> list[Article] | list[Version] | None:
    """The other versions to offer when the reader's language has no version of this article, else None.

    The page's own language is never offered (the reader is already reading it); the list is empty
    when the article exists in no other language.
    """
    if article.locale == reader or any(v.locale == reader for v in versions):
        return None
    return [v for v in versions if v.locale != article.locale]

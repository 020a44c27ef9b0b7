"""`/sitemap.xml`: every published article in every language, each with its language alternates.

Built with ElementTree (so titles and slugs are escaped), on PORTAL_BASE_URL (never the request's
Host), and cached until the knowledge base changes (the `kb` cache generation).
"""

from __future__ import annotations

from collections import defaultdict
from xml.etree import ElementTree

from flask import Blueprint, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.models import Article, ArticleStatus
from portal.cache import cache, generation
from portal.cache_events import KB
from portal.db import get_session
from portal.kb import addresses

bp = Blueprint("kb_sitemap", __name__)
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
SITEMAP_TTL = 3600
#: The sitemap protocol's limit per file.
MAX_URLS = 50_000


def sitemap_xml(session: Session) -> bytes:
    """The sitemap document: one <url> per published article and language, with xhtml:link alternates."""
    ElementTree.register_namespace("", SITEMAP_NS)
    ElementTree.register_namespace("xhtml", XHTML_NS)
    articles = session.scalars(
        select(Article)
        .where(Article.status == ArticleStatus.PUBLISHED)
        .order_by(Article.translation_key, Article.locale)
        .limit(MAX_URLS)
    ).all()
    groups: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        groups[article.translation_key].append(article)
    root = ElementTree.Element(f"{{{SITEMAP_NS}}}urlset")
    for versions in groups.values():
        links = addresses.alternates(versions)
        for article in versions:
            url = ElementTree.SubElement(root, f"{{{SITEMAP_NS}}}url")
            ElementTree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = addresses.absolute_article_url(article)
            if article.published_at is not None:
                lastmod = ElementTree.SubElement(url, f"{{{SITEMAP_NS}}}lastmod")
                lastmod.text = article.published_at.date().isoformat()
            for link in links:
                ElementTree.SubElement(
                    url, f"{{{XHTML_NS}}}link", rel="alternate", hreflang=link.hreflang, href=link.url
                )
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


@bp.route("/sitemap.xml")
def sitemap():
    key = f"shopkeeper:kb:sitemap:{generation(KB)}"
    store = cache()
    body = store.get(key)
    if body is None:
        body = sitemap_xml(get_session()).decode()
        store.set(key, body, ttl=SITEMAP_TTL)
    response = Response(body, mimetype="application/xml")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response

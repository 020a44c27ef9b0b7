"""/sitemap.xml: every published article in every language, with alternates; nothing else."""

from xml.etree import ElementTree

from knowledge_base import workflow
from knowledge_base.models import Article
from tests.integration.kb_helpers import publish_article

BASE = "http://portal.test"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def _entries(client) -> dict[str, dict[str, str]]:
    """Each <loc> with its xhtml:link alternates (hreflang -> href), parsed as XML."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = ElementTree.fromstring(response.data)  # noqa: S314 (our own response, no entities)
    return {
        url.findtext("s:loc", namespaces=NS): {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)
        }
        for url in root.findall("s:url", NS)
    }


def test_sitemap_lists_every_published_article_in_every_language(app, client, db):
    app.config["BASE_URL"] = BASE
    publish_article(app, db, slug="router-tips", title="Router tips", key="router-tips")
    publish_article(app, db, slug="porady-router", locale="pl", title="Porady", key="router-tips")
    publish_article(app, db, slug="marshrutizator", locale="ru", title="Роутер", key="odd")
    retired = publish_article(app, db, slug="old-advice", title="Old advice", key="old-advice")
    workflow.archive(db, retired)
    workflow.create_article(
        db,
        slug="secret-draft",
        locale="en",
        category=None,
        author_id=None,
        draft=workflow.Draft("D", "d", []),
    )
    db.commit()
    entries = _entries(client)
    assert set(entries) == {
        f"{BASE}/kb/en/a/router-tips",
        f"{BASE}/kb/pl/a/porady-router",
        f"{BASE}/kb/ru/a/marshrutizator",
    }
    assert entries[f"{BASE}/kb/en/a/router-tips"] == {
        "en": f"{BASE}/kb/en/a/router-tips",
        "pl": f"{BASE}/kb/pl/a/porady-router",
        "x-default": f"{BASE}/kb/en/a/router-tips",
    }
    assert entries[f"{BASE}/kb/pl/a/porady-router"] == entries[f"{BASE}/kb/en/a/router-tips"]
    assert entries[f"{BASE}/kb/ru/a/marshrutizator"]["x-default"] == f"{BASE}/kb/ru/a/marshrutizator"


def test_sitemap_follows_publishing(app, client, db):
    publish_article(app, db, slug="first", title="First", key="first")
    assert len(_entries(client)) == 1
    publish_article(app, db, slug="second", title="Second", key="second")
    assert len(_entries(client)) == 2  # the cached sitemap is retired when the knowledge base changes
    assert db.query(Article).count() == 2

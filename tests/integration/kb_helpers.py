"""Arrange knowledge-base articles and search backends for tests."""

import os

from knowledge_base import workflow
from knowledge_base.models import Category
from knowledge_base.search.whoosh import WhooshBackend
from portal.kb import search_service


def publish_article(
    app,
    db,
    *,
    slug="router-tips",
    locale="en",
    title="Router tips",
    body="Place the router high on a shelf.",
    tags=("router",),
    category=None,
    key=None,
):
    """A published, indexed article."""
    if category is None:
        category = db.query(Category).filter_by(slug="networking").one_or_none() or Category(
            slug="networking", name="Networking"
        )
    article = workflow.create_article(
        db,
        slug=slug,
        locale=locale,
        category=category,
        translation_key=key,
        draft=workflow.Draft(title, body, list(tags)),
        author_id=None,
    )
    workflow.submit_for_review(db, article.revisions[-1])
    workflow.publish(db, article.revisions[-1], None)
    db.commit()
    with app.app_context():
        search_service.sync([article])
    return article


def search_engines() -> list[str]:
    """The search engines a backend-parametrised test runs on: Whoosh always, PostgreSQL when the
    suite runs against it."""
    return ["whoosh", "postgres"] if os.environ.get("PORTAL_TEST_DATABASE_URL") else ["whoosh"]


def empty_search_backend(request, tmp_path):
    """An empty backend of the engine in `request.param` (a fixture parametrised by `search_engines`)."""
    if request.param == "whoosh":
        return WhooshBackend(tmp_path / "index")
    from knowledge_base.search.postgres import PostgresBackend

    backend = PostgresBackend(request.getfixturevalue("app").extensions["db_engine"])
    backend.clear()
    return backend

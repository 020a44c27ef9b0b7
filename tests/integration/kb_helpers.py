"""Arrange knowledge-base articles for tests."""

from knowledge_base import workflow
from knowledge_base.models import Category
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

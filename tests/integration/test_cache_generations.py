"""Commits that change what cached pages show start a new cache generation; reading does not."""

from sqlalchemy import insert, select

from knowledge_base.models import Article
from portal.cache_events import KB, REQUESTS, current_generation
from portal.models import ArticleTag, SavedView, ServiceRequest, Tag, request_tags
from tests.integration.kb_helpers import publish_article
from tests.integration.perf_helpers import add_requests


def _generations(app) -> tuple[str, str]:
    with app.app_context():
        return current_generation(KB), current_generation(REQUESTS)


def test_editing_an_article_starts_a_new_kb_generation_but_counting_views_does_not(app, client, db):
    article = publish_article(app, db)
    kb, requests = _generations(app)
    client.get("/kb/en/a/router-tips")  # one more view
    article.helpful_yes += 1
    db.commit()
    assert _generations(app) == (kb, requests)
    article.title = "Router tips, revised"
    db.commit()
    assert _generations(app)[0] != kb and _generations(app)[1] == requests


def test_a_new_request_starts_a_new_requests_generation(app, db, users):
    kb, requests = _generations(app)
    add_requests(db, [users["customer"]], start=0)
    assert _generations(app)[0] == kb and _generations(app)[1] != requests


def test_saved_views_and_core_tag_links_start_a_new_requests_generation(app, db, users):
    """The memoised queue shows saved views and tags: writes to them, ORM or Core, retire it."""
    add_requests(db, [users["customer"]], start=0)
    _kb, requests = _generations(app)
    db.add(SavedView(owner_id=users["agent"].id, name="Mine", query="assignee=me", shared=True))
    db.commit()
    assert _generations(app)[1] != requests, "a new saved view kept the old generation"
    _kb, requests = _generations(app)
    tag = Tag(name="vip")
    db.add(tag)
    db.commit()
    _kb, requests = _generations(app)
    found = db.scalar(select(ServiceRequest.id))
    db.execute(insert(request_tags).values(request_id=found, tag_id=tag.id))
    db.commit()
    assert _generations(app)[1] != requests, "a Core insert into request_tags kept the old generation"


def test_tag_rows_follow_the_article_tags(app, db):
    article = publish_article(app, db, tags=("router", "wifi"))

    def rows() -> set[str]:
        return set(db.scalars(select(ArticleTag.tag).where(ArticleTag.article_id == article.id)))

    assert rows() == {"router", "wifi"}
    article.tags = ["wifi", "mesh"]
    db.commit()
    assert rows() == {"wifi", "mesh"}
    article.tags = ["mesh"]
    db.flush()
    article.tags = ["cable"]  # changed twice before one commit
    db.commit()
    assert rows() == {"cable"}
    db.delete(db.get(Article, article.id))
    db.commit()
    assert rows() == set()


def test_a_savepoint_publishes_nothing_before_the_outer_commit(app, db):
    """Another worker must not see a new generation while the change is uncommitted: it would
    cache the old row under it and never look again."""
    article = publish_article(app, db)
    kb, _requests = _generations(app)
    article.title = "Router tips, revised"
    db.flush()
    with db.begin_nested():
        article.body_html = article.body_html + "<p>More.</p>"
    assert _generations(app)[0] == kb, "released savepoint bumped before the commit"
    savepoint = db.begin_nested()
    article.title = "Router tips, third"
    db.flush()
    savepoint.rollback()
    db.commit()
    assert _generations(app)[0] != kb, "the rolled-back savepoint dropped the earlier change's bump"

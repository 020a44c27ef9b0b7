"""Curation: drafts, review with diff, publish, send back, restore, archive, import/export."""

import re

from sqlalchemy import select

from knowledge_base.models import Article, ArticleStatus, RevisionState
from tests.conftest import csrf_token
from tests.integration.kb_helpers import publish_article


def new_article(client, **fields):
    data = {
        "title": "Reset the router",
        "slug": "reset-router",
        "locale": "en",
        "category": "",
        "tags": "router, reset",
        "body": "Hold the **reset** button for 10 seconds.",
        "comment": "first",
        "action": "submit",
        "csrf_token": csrf_token(client, "/staff/kb/new"),
    }
    data.update(fields)
    return client.post("/staff/kb/new", data=data)


def review(client, slug, revision_id, decision, comment="", locale="en"):
    url = f"/staff/kb/{slug}/review/{revision_id}?locale={locale}"
    return client.post(
        url, data={"decision": decision, "review_comment": comment, "csrf_token": csrf_token(client, url)}
    )


def test_draft_review_publish_and_it_is_searchable_at_once(client_as, db, users):
    agent = client_as("agent")
    assert new_article(agent).status_code == 302
    article = db.scalar(select(Article))
    revision = article.revisions[0]
    assert revision.state == RevisionState.IN_REVIEW and article.status == ArticleStatus.IN_REVIEW
    assert client_as("customer").get("/kb/en/a/reset-router").status_code == 404
    assert "/kb/en/a/reset-router" not in client_as("customer").get("/kb/en/search?q=reset+router").get_data(
        as_text=True
    )
    assert review(client_as("admin"), "reset-router", revision.id, "approve").status_code == 302
    db.expire_all()
    assert db.get(Article, article.id).status == ArticleStatus.PUBLISHED
    page = client_as("customer").get("/kb/en/a/reset-router").get_data(as_text=True)
    assert "<strong>reset</strong>" in page
    results = client_as("customer").get("/kb/en/search?q=reset+router").get_data(as_text=True)
    assert "/kb/en/a/reset-router" in results


def test_published_text_stays_live_while_the_next_revision_is_reviewed(app, client_as, db):
    article = publish_article(app, db, body="Old advice.")
    agent = client_as("agent")
    url = "/staff/kb/router-tips/edit?locale=en"
    agent.post(
        url,
        data={
            "title": "Router tips",
            "tags": "router",
            "category": "networking",
            "body": "New advice.",
            "comment": "update",
            "action": "submit",
            "csrf_token": csrf_token(agent, url),
        },
    )
    assert "Old advice." in client_as("customer").get("/kb/en/a/router-tips").get_data(as_text=True)
    db.expire_all()
    latest = db.get(Article, article.id).revisions[-1]
    diff = agent.get(f"/staff/kb/router-tips/review/{latest.id}?locale=en").get_data(as_text=True)
    assert "diff__del" in diff and "Old advice." in diff and "diff__add" in diff and "New advice." in diff
    review(client_as("admin"), "router-tips", latest.id, "approve")
    assert "New advice." in client_as("customer").get("/kb/en/a/router-tips").get_data(as_text=True)


def test_send_back_needs_a_comment_and_keeps_the_article_unpublished(client_as, db):
    agent = client_as("agent")
    new_article(agent)
    revision = db.scalar(select(Article)).revisions[0]
    assert "Tell the author" in review(client_as("admin"), "reset-router", revision.id, "send_back").get_data(
        as_text=True
    )
    review(client_as("admin"), "reset-router", revision.id, "send_back", "Add a photo")
    db.expire_all()
    article = db.scalar(select(Article))
    assert article.revisions[0].state == RevisionState.SENT_BACK
    assert article.revisions[0].review_comment == "Add a photo" and article.status == ArticleStatus.DRAFT


def test_only_reviewers_publish(client_as, db, users):
    users["agent"].kb_editor = False
    db.commit()
    agent = client_as("agent")
    new_article(agent)
    revision = db.scalar(select(Article)).revisions[0]
    assert review(agent, "reset-router", revision.id, "approve").status_code == 403
    db.expire_all()
    assert db.scalar(select(Article)).status != ArticleStatus.PUBLISHED


def test_restore_makes_a_new_draft_from_an_old_revision(app, client_as, db):
    article = publish_article(app, db, body="First text.")
    agent = client_as("agent")
    url = "/staff/kb/router-tips/edit?locale=en"
    agent.post(
        url,
        data={
            "title": "Router tips",
            "tags": "",
            "category": "",
            "body": "Second text.",
            "comment": "c",
            "action": "save",
            "csrf_token": csrf_token(agent, url),
        },
    )
    first = article.revisions[0]
    agent.post(
        f"/staff/kb/router-tips/revisions/{first.id}/restore?locale=en",
        data={"csrf_token": csrf_token(agent, "/staff/kb")},
    )
    db.expire_all()
    revisions = db.get(Article, article.id).revisions
    assert (
        len(revisions) == 3 and revisions[-1].body_md == "First text." and "Restored" in revisions[-1].comment
    )


def test_archived_articles_disappear_from_reading_and_search(app, client_as, db):
    publish_article(app, db)
    admin = client_as("admin")
    admin.post("/staff/kb/router-tips/archive?locale=en", data={"csrf_token": csrf_token(admin, "/staff/kb")})
    customer = client_as("customer")
    assert customer.get("/kb/en/a/router-tips").status_code == 404
    assert "/kb/en/a/router-tips" not in customer.get("/kb/en/search?q=router").get_data(as_text=True)


def test_form_errors_keep_what_was_typed(client_as, db):
    html = new_article(client_as("agent"), title="", body="Typed body stays").get_data(as_text=True)
    assert "Give the article a title." in html and "Typed body stays" in html
    html = new_article(client_as("agent"), slug="Bad Slug!").get_data(as_text=True)
    assert "lower-case letters" in html
    assert db.scalar(select(Article)) is None


def test_customers_and_marketers_cannot_curate(client_as):
    for role in ("customer", "marketer"):
        assert client_as(role).get("/staff/kb").status_code == 403
        assert client_as(role).get("/staff/kb/new").status_code == 403


def test_import_is_idempotent_and_export_round_trips(app, db, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.md").write_text(
        '---\ntitle: "Kávovar"\nslug: kavovar\ncategory: kitchen\nlocale: cs\n'
        "tags: [kávovar]\nstatus: published\n---\n\nOdvápněte kávovar.\n",
        "utf-8",
    )
    (folder / "bad.md").write_text("no front matter", "utf-8")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["kb", "import", str(folder)])
    assert "created 1" in first.output and "rejected 1" in first.output and "bad.md" in first.output
    second = runner.invoke(args=["kb", "import", str(folder)])
    assert "created 0, updated 0, unchanged 1" in second.output
    out = tmp_path / "out"
    assert "exported 1" in runner.invoke(args=["kb", "export", str(out)]).output
    exported = (out / "cs" / "kavovar.md").read_text("utf-8")
    assert re.search(r'title: "Kávovar"', exported) and "Odvápněte kávovar." in exported


def test_reindex_repairs_a_missing_index_entry(app, client_as, db):
    from portal.kb import search_service

    article = publish_article(app, db)
    with app.app_context():
        search_service.backend().remove(article.id)  # as if the process died after the commit
    customer = client_as("customer")
    assert "/kb/en/a/router-tips" not in customer.get("/kb/en/search?q=router").get_data(as_text=True)
    assert "indexed 1" in app.test_cli_runner().invoke(args=["kb", "reindex"]).output
    assert "/kb/en/a/router-tips" in customer.get("/kb/en/search?q=router").get_data(as_text=True)

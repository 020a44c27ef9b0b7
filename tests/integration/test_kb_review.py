"""Review hardening: bounded diff page, body limit, category goes live with its revision,
publishing needs review, four eyes, staff loaders."""

from sqlalchemy import select

from knowledge_base.models import Article, ArticleStatus, Category, RevisionState
from knowledge_base.workflow import MAX_BODY_BYTES, MAX_DIFF_WORK
from portal.models import AuditLog
from tests.conftest import csrf_token
from tests.integration.kb_helpers import publish_article
from tests.integration.test_kb_curation import new_article, review


def save_edit(client, *, body="New advice.", category="networking", action="submit", slug="router-tips"):
    url = f"/staff/kb/{slug}/edit?locale=en"
    return client.post(
        url,
        data={
            "title": "Router tips",
            "tags": "router",
            "category": category,
            "body": body,
            "comment": "update",
            "action": action,
            "csrf_token": csrf_token(client, url),
        },
    )


def latest_revision(db, article_id):
    db.expire_all()
    return db.get(Article, article_id).revisions[-1]


def test_review_page_of_400_one_character_edits_shows_the_whole_diff(app, client_as, db):
    old = "\n".join(f"{i:04d} lorem ipsum dolor sit amet consectetur adipiscing" for i in range(400))
    new = "\n".join(line[:-2] + "X" + line[-1:] for line in old.splitlines())
    article = publish_article(app, db, body=old)
    agent = client_as("agent")
    assert save_edit(agent, body=new).status_code == 302
    latest = latest_revision(db, article.id)
    page = agent.get(f"/staff/kb/router-tips/review/{latest.id}?locale=en").get_data(as_text=True)
    assert page.count('class="diff__del"') == 400 and page.count('class="diff__add"') == 400
    assert "too large to compare" not in page


def test_review_page_says_too_large_beyond_the_budget(app, client_as, db):
    lines = [f"line {i}" for i in range(int(MAX_DIFF_WORK**0.5) + 2)]
    article = publish_article(app, db, body="\n".join(lines))
    agent = client_as("agent")
    save_edit(agent, body="\n".join(lines[i ^ 1] for i in range(len(lines))))
    latest = latest_revision(db, article.id)
    page = agent.get(f"/staff/kb/router-tips/review/{latest.id}?locale=en").get_data(as_text=True)
    assert "too large to compare" in page and 'class="diff__add"' not in page


def test_editor_refuses_a_body_over_200_kb_and_keeps_the_text(app, client_as, db):
    article = publish_article(app, db)
    body = "ž" * (MAX_BODY_BYTES // 2 + 1)  # fewer than 200,000 characters, more than 200 KB
    page = save_edit(client_as("agent"), body=body).get_data(as_text=True)
    assert "keep it under 200 KB" in page and body in page
    db.expire_all()
    assert len(db.get(Article, article.id).revisions) == 1


def test_a_new_category_goes_live_only_when_the_revision_is_published(app, client_as, db, users):
    users["agent"].kb_editor = False
    db.add(Category(slug="billing", name="Billing"))
    db.commit()
    article = publish_article(app, db)
    agent = client_as("agent")
    assert save_edit(agent, category="billing").status_code == 302
    db.expire_all()
    assert db.get(Article, article.id).category.slug == "networking"
    customer = client_as("customer")
    assert "/kb/en/a/router-tips" not in customer.get("/kb/en/c/billing").get_data(as_text=True)
    latest = latest_revision(db, article.id)
    assert latest.category.slug == "billing"
    page = agent.get(f"/staff/kb/router-tips/review/{latest.id}?locale=en").get_data(as_text=True)
    assert "<del>Networking</del>" in page and "<strong>Billing</strong>" in page
    edit_form = agent.get("/staff/kb/router-tips/edit?locale=en").get_data(as_text=True)
    assert '<option selected value="billing">' in edit_form
    assert review(client_as("admin"), "router-tips", latest.id, "approve").status_code == 302
    db.expire_all()
    assert db.get(Article, article.id).category.slug == "billing"
    assert "/kb/en/a/router-tips" in customer.get("/kb/en/c/billing").get_data(as_text=True)


def make_editor(db, users):
    users["agent"].kb_editor = True
    db.commit()


def test_a_never_submitted_draft_cannot_be_published(app, client_as, db, users):
    make_editor(db, users)
    article = publish_article(app, db, body="Live text.")
    editor = client_as("agent")
    save_edit(editor, body="Unreviewed text.", action="save")
    draft = latest_revision(db, article.id)
    assert draft.state == RevisionState.DRAFT
    page = review(editor, "router-tips", draft.id, "approve").get_data(as_text=True)
    assert "Only a revision in review can be published." in page
    db.expire_all()
    assert db.get(Article, article.id).published_revision_id != draft.id
    assert "Unreviewed text." not in client_as("customer").get("/kb/en/a/router-tips").get_data(as_text=True)


def test_four_eyes_setting_stops_reviewers_approving_their_own_revision(app, client_as, db, users):
    make_editor(db, users)
    new_article(client_as("agent"))
    revision = db.scalar(select(Article)).revisions[0]
    app.config["KB_FOUR_EYES"] = True
    try:
        page = client_as("agent").get(f"/staff/kb/reset-router/review/{revision.id}?locale=en")
        assert "Another reviewer must approve a revision you wrote." in page.get_data(as_text=True)
        assert review(client_as("agent"), "reset-router", revision.id, "approve").status_code == 403
        db.expire_all()
        assert db.scalar(select(Article)).status != ArticleStatus.PUBLISHED
        assert review(client_as("admin"), "reset-router", revision.id, "approve").status_code == 302
        db.expire_all()
        assert db.scalar(select(Article)).status == ArticleStatus.PUBLISHED
    finally:
        app.config["KB_FOUR_EYES"] = False


def test_without_four_eyes_an_editor_may_approve_their_own_revision(app, client_as, db, users):
    make_editor(db, users)
    new_article(client_as("agent"))
    revision = db.scalar(select(Article)).revisions[0]
    assert review(client_as("agent"), "reset-router", revision.id, "approve").status_code == 302
    db.expire_all()
    assert db.scalar(select(Article)).status == ArticleStatus.PUBLISHED


def test_review_decisions_are_audited(app, client_as, db):
    new_article(client_as("agent"))
    revision = db.scalar(select(Article)).revisions[0]
    review(client_as("admin"), "reset-router", revision.id, "send_back", "Add a photo")
    actions = db.scalars(select(AuditLog.action)).all()
    assert "article.sent_back" in actions


def test_revisions_of_other_articles_and_odd_locales_are_not_found(app, client_as, db):
    first = publish_article(app, db)
    publish_article(app, db, slug="other", title="Other")
    agent = client_as("agent")
    assert agent.get(f"/staff/kb/other/review/{first.revisions[0].id}?locale=en").status_code == 404
    assert agent.get(f"/staff/kb/router-tips/review/{2**31}?locale=en").status_code == 404
    assert agent.get("/staff/kb/router-tips/revisions?locale=xx").status_code == 404


def test_archiving_needs_the_reviewer_right(app, client_as, db, users):
    users["agent"].kb_editor = False
    db.commit()
    publish_article(app, db)
    agent = client_as("agent")
    response = agent.post(
        "/staff/kb/router-tips/archive?locale=en", data={"csrf_token": csrf_token(agent, "/staff/kb")}
    )
    assert response.status_code == 403
    db.expire_all()
    assert db.scalar(select(Article)).status == ArticleStatus.PUBLISHED


def test_restore_and_import_carry_the_category_of_the_revision(app, client_as, db, tmp_path):
    db.add(Category(slug="billing", name="Billing"))
    db.commit()
    article = publish_article(app, db)
    agent = client_as("agent")
    save_edit(agent, category="billing", action="save")
    first = article.revisions[0]
    agent.post(
        f"/staff/kb/router-tips/revisions/{first.id}/restore?locale=en",
        data={"csrf_token": csrf_token(agent, "/staff/kb")},
    )
    assert latest_revision(db, article.id).category.slug == "networking"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "r.md").write_text(
        "---\ntitle: Router tips\nslug: router-tips\ncategory: billing\nlocale: en\ntags: [router]\n"
        "status: draft\n---\n\nPlace the router high on a shelf.\n",
        "utf-8",
    )
    output = app.test_cli_runner().invoke(args=["kb", "import", str(folder)]).output
    assert "updated 1" in output
    assert latest_revision(db, article.id).category.slug == "billing"
    assert db.get(Article, article.id).category.slug == "networking"  # a draft: not live yet

"""Authoring: rendered preview (with and without JS), rendered side-by-side review, reader comments."""

from sqlalchemy import select

from knowledge_base.models import Article, ArticleFeedback
from portal.models import AuditLog
from tests.conftest import csrf_token
from tests.integration.kb_helpers import publish_article
from tests.integration.test_kb_review import latest_revision, save_edit

UNSAFE = "Hold **reset**.\n\n<script>alert(1)</script> [x](javascript:alert(1)) [f](ftp://example.com/f)"


def test_preview_endpoint_renders_like_publishing_and_needs_csrf(client_as):
    agent = client_as("agent")
    token = csrf_token(agent, "/staff/kb/new")
    response = agent.post("/staff/kb/preview", data={"body": UNSAFE, "csrf_token": token})
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "<strong>reset</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert 'href="ftp:' not in html  # the portal's link allowlist, not only Markdown's own checks
    assert agent.post("/staff/kb/preview", data={"body": "x"}).status_code == 400  # no CSRF token


def test_preview_is_for_curators_only(client_as, client):
    for role in ("customer", "marketer"):
        user = client_as(role)
        token = csrf_token(user, "/kb/en/")  # a valid token of their own session (the search form)
        assert user.post("/staff/kb/preview", data={"body": "x", "csrf_token": token}).status_code == 403
    agent = client_as("agent")
    token = csrf_token(agent, "/kb/en/")
    assert agent.post("/staff/kb/preview", data={"body": "x", "csrf_token": token}).status_code == 200


def test_preview_button_without_js_rerenders_the_form_and_saves_nothing(app, client_as, db):
    article = publish_article(app, db)
    agent = client_as("agent")
    response = save_edit(agent, body="Put it **higher**.", action="preview")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<div class="kb-body" id="kb-preview"><p>Put it <strong>higher</strong>.</p>' in page
    assert "Put it **higher**.</textarea>" in page  # what was typed is kept
    db.expire_all()
    assert len(db.get(Article, article.id).revisions) == 1


def test_review_page_shows_a_rendered_side_by_side_diff(app, client_as, db):
    article = publish_article(app, db, body="Old **advice**.\n\nSame paragraph.")
    agent = client_as("agent")
    save_edit(agent, body="New **advice**.\n\nSame paragraph.\n\n<b>raw</b>")
    revision = latest_revision(db, article.id)
    url = f"/staff/kb/router-tips/review/{revision.id}?locale=en"
    page = client_as("admin").get(url).get_data(as_text=True)
    assert '<tr class="sbs__changed"><td><p>Old <strong>advice</strong>.</p>' in page
    assert "<p>New <strong>advice</strong>.</p>" in page
    assert '<tr class="sbs__same"><td><p>Same paragraph.</p>' in page
    assert "<b>raw</b>" not in page and "&lt;b&gt;raw&lt;/b&gt;" in page
    assert 'class="diff"' in page  # the line diff is still there


def vote(db, article, voter, helpful, comment=""):
    db.add(ArticleFeedback(article_id=article.id, voter=voter, helpful=helpful, comment=comment))
    db.commit()


def test_needs_update_orders_by_unhandled_negative_signal(app, client_as, db):
    calm = publish_article(app, db, slug="calm", title="Calm article", key="calm")
    loud = publish_article(app, db, slug="loud", title="Loud article", key="loud")
    vote(db, calm, "s:1", False)
    vote(db, loud, "s:2", False, "The steps are wrong for the new model.")
    vote(db, loud, "s:3", True, "Outdated screenshots.")
    vote(db, calm, "s:4", True)  # a plain "yes" is no signal
    page = client_as("agent").get("/staff/kb/feedback").get_data(as_text=True)
    assert page.index("Loud article") < page.index("Calm article")
    assert "<td>English</td><td>1</td><td>2</td><td>3</td>" in page  # loud: 1 "no" + 2 comments


def test_comments_are_escaped_and_an_editor_marks_them_handled_with_an_audit_entry(app, client_as, db, users):
    article = publish_article(app, db)
    vote(db, article, "s:1", False, "<img src=x onerror=alert(1)> wrong steps")
    feedback = db.scalar(select(ArticleFeedback))
    agent = client_as("agent")
    url = f"/staff/kb/feedback/{article.id}"
    page = agent.get(url).get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt; wrong steps" in page and "<img src=x" not in page
    handled_url = f"/staff/kb/feedback/{article.id}/{feedback.id}/handled"
    # agents without the editor right curate but do not mark comments handled
    users["agent"].kb_editor = False
    db.commit()
    assert agent.post(handled_url, data={"csrf_token": csrf_token(agent, url)}).status_code == 403
    admin = client_as("admin")
    assert admin.post(handled_url, data={"csrf_token": csrf_token(admin, url)}).status_code == 302
    db.expire_all()
    assert db.get(ArticleFeedback, feedback.id).handled
    entry = db.scalar(select(AuditLog).where(AuditLog.action == "article.feedback_handled"))
    assert entry.actor_id == users["admin"].id and entry.target == "en:router-tips"
    assert "Router tips" not in client_as("agent").get("/staff/kb/feedback").get_data(as_text=True)


def test_handling_needs_csrf_and_the_right_article(app, client_as, db):
    article = publish_article(app, db)
    other = publish_article(app, db, slug="other", title="Other", key="other")
    vote(db, article, "s:1", False, "wrong")
    feedback = db.scalar(select(ArticleFeedback))
    admin = client_as("admin")
    token = csrf_token(admin, f"/staff/kb/feedback/{article.id}")
    assert admin.post(f"/staff/kb/feedback/{article.id}/{feedback.id}/handled").status_code == 400
    wrong_article = f"/staff/kb/feedback/{other.id}/{feedback.id}/handled"
    assert admin.post(wrong_article, data={"csrf_token": token}).status_code == 404
    db.expire_all()
    assert not db.get(ArticleFeedback, feedback.id).handled
    assert client_as("customer").get(f"/staff/kb/feedback/{article.id}").status_code == 403

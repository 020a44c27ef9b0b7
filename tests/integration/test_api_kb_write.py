"""Admins create and change categories; curators submit, reviewers approve or send back revisions (API)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from knowledge_base import l10n, workflow
from knowledge_base.models import Article, ArticleRevision, ArticleStatus, Category, RevisionState
from portal.models import AuditLog
from portal.webhooks import delivery
from tests.integration.api_helpers import bearer, make_token
from tests.integration.webhook_helpers import receiver, subscribe


def _audit(db, action: str) -> list[AuditLog]:
    db.expire_all()
    return list(db.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


# -- categories ----------------------------------------------------------------------------------


def test_admin_creates_a_category_with_the_rules(app, db, users, client):
    admin = make_token(app, db, users["admin"])
    top = client.post(
        "/api/v1/categories", json={"slug": "washers", "name": "Washers"}, headers=bearer(admin)
    )
    assert top.status_code == 201, top.get_data(as_text=True)
    assert top.json["slug"] == "washers" and top.json["name"] == "Washers"
    assert top.json.get("parent") is None
    assert top.headers["Location"] == f"/api/v1/categories/{top.json['id']}"
    child = client.post(
        "/api/v1/categories",
        json={"slug": "washer-drums", "name": "Drums", "parent": "washers"},
        headers=bearer(admin),
    )
    assert child.status_code == 201 and child.json["parent"] == "washers"
    assert [e.target for e in _audit(db, "category.created")] == ["washers", "washer-drums"]

    taken = client.post("/api/v1/categories", json={"slug": "washers", "name": "X"}, headers=bearer(admin))
    assert taken.status_code == 409 and taken.json["errors"][0]["field"] == "slug"
    for bad in ("Washers", "a b", "-x", "x--y", "", "ř"):
        response = client.post("/api/v1/categories", json={"slug": bad, "name": "X"}, headers=bearer(admin))
        assert response.status_code == 422, bad
        assert response.json["errors"][0]["field"] == "slug"
    blank = client.post("/api/v1/categories", json={"slug": "ok", "name": "  "}, headers=bearer(admin))
    assert blank.status_code == 422 and blank.json["errors"][0]["field"] == "name"
    missing = client.post(
        "/api/v1/categories", json={"slug": "ok", "name": "Ok", "parent": "nope"}, headers=bearer(admin)
    )
    assert missing.status_code == 422 and missing.json["errors"][0]["field"] == "parent"
    third_level = client.post(
        "/api/v1/categories",
        json={"slug": "deep", "name": "Deep", "parent": "washer-drums"},
        headers=bearer(admin),
    )
    assert third_level.status_code == 422 and third_level.json["errors"][0]["field"] == "parent"
    assert db.scalar(select(Category).where(Category.slug.in_(["ok", "deep"]))) is None


def test_admin_updates_a_category_without_breaking_the_tree(app, db, users, client):
    admin = make_token(app, db, users["admin"])
    made = {}
    for slug, parent in (("a", ""), ("a-child", "a"), ("b", "")):
        body = {"slug": slug, "name": slug.upper(), "parent": parent}
        made[slug] = client.post("/api/v1/categories", json=body, headers=bearer(admin)).json["id"]
    url = f"/api/v1/categories/{made['b']}"
    renamed = client.patch(url, json={"name": "Bee", "slug": "bee"}, headers=bearer(admin))
    assert renamed.status_code == 200 and renamed.json == {
        "id": made["b"],
        "slug": "bee",
        "name": "Bee",
        "names": {"en": "Bee", "pl": "Bee", "cs": "Bee", "ru": "Bee"},  # no own names: the name
    }
    (entry,) = _audit(db, "category.updated")
    assert entry.target == "bee" and entry.details["changes"] == {"slug": ["b", "bee"], "name": ["B", "Bee"]}
    moved = client.patch(url, json={"parent": "a"}, headers=bearer(admin))
    assert moved.status_code == 200 and moved.json["parent"] == "a"
    top_again = client.patch(url, json={"parent": ""}, headers=bearer(admin))
    assert top_again.status_code == 200 and top_again.json.get("parent") is None
    # a cycle, a parent with children moved under another, the own slug, another's slug
    self_parent = client.patch(url, json={"parent": "bee"}, headers=bearer(admin))
    assert self_parent.status_code == 422 and self_parent.json["errors"][0]["field"] == "parent"
    has_children = client.patch(
        f"/api/v1/categories/{made['a']}", json={"parent": "bee"}, headers=bearer(admin)
    )
    assert has_children.status_code == 422 and has_children.json["errors"][0]["field"] == "parent"
    assert client.patch(url, json={"slug": "bee"}, headers=bearer(admin)).status_code == 200
    taken = client.patch(url, json={"slug": "a-child"}, headers=bearer(admin))
    assert taken.status_code == 409
    db.expire_all()
    assert db.get(Category, made["b"]).slug == "bee" and db.get(Category, made["a"]).parent_id is None
    assert len(_audit(db, "category.updated")) == 3  # the no-op PATCH is not logged
    assert (
        client.patch("/api/v1/categories/999999", json={"name": "X"}, headers=bearer(admin)).status_code
        == 404
    )


def test_only_admins_with_the_scope_write_categories(app, db, users, client):
    reader = make_token(app, db, users["admin"], scopes=["kb:read"])
    body = {"slug": "x", "name": "X"}
    assert client.post("/api/v1/categories", json=body, headers=bearer(reader)).status_code == 403
    for role in ("agent", "marketer", "customer"):
        secret = make_token(app, db, users[role])
        assert client.post("/api/v1/categories", json=body, headers=bearer(secret)).status_code == 403, role
    assert db.scalar(select(Category)) is None
    from portal.api import tokens

    assert "catalog:write" in tokens.scopes_for(users["admin"])
    assert "catalog:write" not in tokens.scopes_for(users["agent"])
    # a token keeps its scopes, but the role decides: an admin demoted to agent may not write
    from portal.models import Role

    admin = make_token(app, db, users["admin"], scopes=["catalog:write"])
    users["admin"].role = Role.AGENT
    db.commit()
    assert client.post("/api/v1/categories", json=body, headers=bearer(admin)).status_code == 403
    assert db.scalar(select(Category)) is None


# -- revision review -----------------------------------------------------------------------------


def _article_with_draft(db, author_id: int | None) -> tuple[Article, ArticleRevision]:
    article = workflow.create_article(
        db,
        slug="descaling",
        locale="en",
        category=None,
        draft=workflow.Draft("Descaling", "Use citric acid.", ["care"]),
        author_id=author_id,
    )
    db.commit()
    return article, article.revisions[0]


def _act(client, secret, article, revision, action, **body):
    url = f"/api/v1/articles/{article.id}/revisions/{revision.id}/{action}"
    return client.post(url, json=body, headers=bearer(secret))


def test_submit_approve_publishes_and_fires_the_webhook(app, db, users, client):
    article, revision = _article_with_draft(db, users["agent"].id)
    agent, admin = make_token(app, db, users["agent"]), make_token(app, db, users["admin"])
    not_yet = _act(client, admin, article, revision, "approve")
    assert not_yet.status_code == 422 and not_yet.json["errors"][0]["field"] == "comment"
    assert _act(client, agent, article, revision, "approve").status_code == 403  # agents do not review
    submitted = _act(client, agent, article, revision, "submit")
    assert submitted.status_code == 200 and submitted.json["state"] == "in_review"
    assert _act(client, agent, article, revision, "submit").status_code == 422
    with receiver() as hook:
        subscribe(db, hook.url, events=["article.published"])
        approved = _act(client, admin, article, revision, "approve", comment="Good.")
        assert approved.status_code == 200, approved.get_data(as_text=True)
        delivery.wait_for_pending(app)
    assert approved.json["state"] == "published" and approved.json["reviewer_id"] == users["admin"].id
    db.expire_all()
    live = db.get(Article, article.id)
    assert live.status == ArticleStatus.PUBLISHED and live.published_revision_id == revision.id
    assert "citric acid" in live.body_html
    (got,) = hook.received
    assert json.loads(got.body)["event"] == "article.published"
    assert json.loads(got.body)["data"]["revision_id"] == revision.id
    assert [e.target for e in _audit(db, "article.published")] == ["en:descaling"]


def test_four_eyes_the_author_may_not_approve(app, db, users, client):
    app.config["KB_FOUR_EYES"] = True
    try:
        article, revision = _article_with_draft(db, users["admin"].id)
        admin = make_token(app, db, users["admin"])
        assert _act(client, admin, article, revision, "submit").status_code == 200
        own = _act(client, admin, article, revision, "approve")
        assert own.status_code == 403
        db.expire_all()
        assert db.get(ArticleRevision, revision.id).state == RevisionState.IN_REVIEW
        users["agent"].kb_editor = True
        db.commit()
        other = make_token(app, db, users["agent"])
        assert _act(client, other, article, revision, "approve").status_code == 200
    finally:
        app.config["KB_FOUR_EYES"] = False
    # without the rule an author may approve their own (the web's default)
    second = workflow.save_revision(db, article, workflow.Draft("Descaling", "v2", []), users["admin"].id)
    db.commit()
    assert _act(client, admin, article, second, "submit").status_code == 200
    assert _act(client, admin, article, second, "approve").status_code == 200


def test_reject_needs_a_comment_and_keeps_the_live_text(app, db, users, client):
    article, revision = _article_with_draft(db, users["agent"].id)
    agent, admin = make_token(app, db, users["agent"]), make_token(app, db, users["admin"])
    assert _act(client, agent, article, revision, "submit").status_code == 200
    silent = _act(client, admin, article, revision, "reject")
    assert silent.status_code == 422 and silent.json["errors"][0]["field"] == "comment"
    sent_back = _act(client, admin, article, revision, "reject", comment="Add a photo.")
    assert sent_back.status_code == 200 and sent_back.json["state"] == "sent_back"
    db.expire_all()
    assert db.get(Article, article.id).status == ArticleStatus.DRAFT
    assert [e.target for e in _audit(db, "article.sent_back")] == ["en:descaling"]
    assert _act(client, agent, article, revision, "submit").json["state"] == "in_review"


def test_review_scopes_and_foreign_revisions(app, db, users, client):
    article, revision = _article_with_draft(db, users["agent"].id)
    other = workflow.create_article(
        db, slug="other", locale="en", category=None, draft=workflow.Draft("O", "o", []), author_id=None
    )
    db.commit()
    writer = make_token(app, db, users["admin"], scopes=["kb:read", "kb:write"])
    assert _act(client, writer, article, revision, "submit").status_code == 200
    assert _act(client, writer, article, revision, "approve").status_code == 403  # no kb:review
    admin = make_token(app, db, users["admin"])
    assert _act(client, admin, other, revision, "approve").status_code == 404  # another article's revision
    customer = make_token(app, db, users["customer"])
    assert _act(client, customer, article, revision, "submit").status_code == 403
    from portal.api import tokens

    assert "kb:review" not in tokens.scopes_for(users["agent"])
    db.expire_all()
    assert db.get(ArticleRevision, revision.id).state == RevisionState.IN_REVIEW


# -- significance of API edits -------------------------------------------------------------------


def _published_source_with_polish_translation(db) -> tuple[Article, Article]:
    source, _draft = _article_with_draft(db, None)
    workflow.submit_for_review(db, source.revisions[-1])
    workflow.publish(db, source.revisions[-1], None)
    polish = workflow.create_article(
        db,
        slug="odkamienianie",
        locale="pl",
        category=None,
        translation_key=source.translation_key,
        draft=workflow.Draft("Odkamienianie", "Kwasek.", [], based_on_id=source.published_revision_id),
        author_id=None,
    )
    workflow.submit_for_review(db, polish.revisions[-1])
    workflow.publish(db, polish.revisions[-1], None)
    db.commit()
    return source, polish


def _publish_via_api(client, secret, article, **extra) -> dict:
    body = {"title": "Descaling", "body_md": "Use citric acid, then rinse twice.", **extra}
    created = client.post(f"/api/v1/articles/{article.id}/revisions", json=body, headers=bearer(secret))
    assert created.status_code == 201, created.get_data(as_text=True)
    revision = type("R", (), {"id": created.json["id"]})
    assert _act(client, secret, article, revision, "submit").status_code == 200
    assert _act(client, secret, article, revision, "approve", comment="Fine.").status_code == 200
    return created.json


@pytest.mark.parametrize("extra, outdated", [({"significance": "major"}, True), ({}, False)])
def test_api_edits_carry_their_significance_to_translations(app, db, users, client, extra, outdated):
    app.config["KB_FOUR_EYES"] = False
    source, polish = _published_source_with_polish_translation(db)
    admin = make_token(app, db, users["admin"])
    created = _publish_via_api(client, admin, source, **extra)
    assert created["significance"] == extra.get("significance", "minor")
    db.expire_all()
    assert (l10n.outdated_original(db, db.get(Article, polish.id)) is not None) is outdated


def test_api_refuses_an_unknown_significance(app, db, users, client):
    article, _revision = _article_with_draft(db, users["agent"].id)
    admin = make_token(app, db, users["admin"])
    body = {"title": "Descaling", "body_md": "Text.", "significance": "huge"}
    answer = client.post(f"/api/v1/articles/{article.id}/revisions", json=body, headers=bearer(admin))
    assert answer.status_code == 422

"""The API's other resources: customers, knowledge base, link review, the linker, KPIs, the reference."""

from __future__ import annotations

import re

from sqlalchemy import select

from knowledge_base import workflow
from portal.models import AuditLog, LinkSuggestion, SuggestionState
from tests.integration.api_helpers import bearer, make_token
from tests.integration.kb_helpers import publish_article
from tests.integration.marketing_helpers import article_with_suggestions, offer
from tests.integration.requests_helpers import catalog, make_request, own


def test_staff_read_customers_and_their_products(app, db, users, client):
    things = catalog(db)
    own(db, users["customer"], things["washer"])
    db.commit()
    agent = make_token(app, db, users["agent"])
    listed = client.get("/api/v1/customers", query_string={"q": "customer2"}, headers=bearer(agent)).json
    assert [c["email"] for c in listed["items"]] == ["customer2@example.com"]
    one = client.get(f"/api/v1/customers/{users['customer'].id}", headers=bearer(agent)).json
    assert [p["sku"] for p in one["products"]] == ["WM-1"]
    products = client.get(f"/api/v1/customers/{users['customer'].id}/products", headers=bearer(agent)).json
    assert products["items"][0]["name"] == "AquaClean washer"
    staff_id = users["agent"].id
    assert client.get(f"/api/v1/customers/{staff_id}", headers=bearer(agent)).status_code == 404
    customer = make_token(app, db, users["customer"])
    assert (
        client.get(f"/api/v1/customers/{users['customer'].id}", headers=bearer(customer)).status_code == 403
    )


def test_customers_see_published_articles_only(app, db, users, client):
    published = publish_article(app, db)
    draft = workflow.create_article(
        db,
        slug="secret-draft",
        locale="en",
        category=None,
        draft=workflow.Draft("Draft", "Not yet.", []),
        author_id=None,
    )
    db.commit()
    customer = make_token(app, db, users["customer"])
    listed = client.get("/api/v1/articles", headers=bearer(customer)).json["items"]
    assert [a["slug"] for a in listed] == [published.slug]
    assert client.get(f"/api/v1/articles/{draft.id}", headers=bearer(customer)).status_code == 404
    assert (
        client.get(f"/api/v1/articles/{published.id}/revisions", headers=bearer(customer)).status_code == 403
    )
    agent = make_token(app, db, users["agent"])
    assert client.get(f"/api/v1/articles/{draft.id}", headers=bearer(agent)).status_code == 200
    assert {a["slug"] for a in client.get("/api/v1/articles", headers=bearer(agent)).json["items"]} == {
        published.slug,
        "secret-draft",
    }
    categories = client.get("/api/v1/categories", headers=bearer(customer)).json["items"]
    assert [c["slug"] for c in categories] == ["networking"]


def test_curators_write_revisions_that_wait_for_review(app, db, users, client):
    article = publish_article(app, db)
    agent = make_token(app, db, users["agent"])
    created = client.post(
        f"/api/v1/articles/{article.id}/revisions",
        json={"title": "Router tips", "body_md": "Place it higher.", "comment": "clearer"},
        headers=bearer(agent),
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    assert created.json["state"] == "draft" and created.json["author_id"] == users["agent"].id
    revisions = client.get(f"/api/v1/articles/{article.id}/revisions", headers=bearer(agent)).json["items"]
    assert len(revisions) == 2
    live = client.get(f"/api/v1/articles/{article.id}", headers=bearer(agent)).json
    assert "higher" not in live["body_html"]  # the published text stays until a reviewer publishes
    marketer = make_token(app, db, users["marketer"])
    refused = client.post(
        f"/api/v1/articles/{article.id}/revisions",
        json={"title": "x", "body_md": "y"},
        headers=bearer(marketer),
    )
    assert refused.status_code == 403


def test_marketers_review_suggestions_through_the_api(app, db, users, client):
    _article, suggestions = article_with_suggestions(app, db)
    marketer = make_token(app, db, users["marketer"])
    pending = client.get(
        "/api/v1/suggestions", query_string={"state": "pending"}, headers=bearer(marketer)
    ).json
    assert {s["offer"] for s in pending["items"]} == {"washing-machine", "router"}
    target = suggestions["washing-machine"].id
    approved = client.post(f"/api/v1/suggestions/{target}/approve", headers=bearer(marketer))
    assert approved.status_code == 200 and approved.json["state"] == "approved"
    db.expire_all()
    assert db.get(LinkSuggestion, target).state == SuggestionState.APPROVED
    assert db.scalar(select(AuditLog).where(AuditLog.action == "suggestion.approved")) is not None
    reader = make_token(app, db, users["marketer"], scopes=["marketing:read"])
    other = suggestions["router"].id
    assert client.post(f"/api/v1/suggestions/{other}/reject", headers=bearer(reader)).status_code == 403
    customer = make_token(app, db, users["customer"])
    assert client.get("/api/v1/suggestions", headers=bearer(customer)).status_code == 403
    assert (
        client.get("/api/v1/offers", headers=bearer(marketer)).json["items"][0]["code"] == "washing-machine"
    )


def test_blocked_suggestions_cannot_be_approved(app, db, users, client):
    _article, suggestions = article_with_suggestions(
        app, db, body="A man died in a fire caused by a washing machine.\n\nThe router was fine."
    )
    marketer = make_token(app, db, users["marketer"])
    response = client.post(
        f"/api/v1/suggestions/{suggestions['washing-machine'].id}/approve", headers=bearer(marketer)
    )
    assert response.status_code == 409


def test_linker_scan_returns_links_and_blocked_candidates_with_reasons(app, db, users, client):
    offer(db)
    marketer = make_token(app, db, users["marketer"])
    good = client.post(
        "/api/v1/linker/scan",
        json={"text": "Clean the pump filter of your washing machine every three months.", "lang": "en"},
        headers=bearer(marketer),
    ).json
    assert good["lang"] == "en"
    assert [(link["offer"], link["text"]) for link in good["links"]] == [
        ("washing-machine", "washing machine")
    ]
    sad = client.post(
        "/api/v1/linker/scan",
        json={"html": "<p>A man died in a fire caused by a washing machine.</p>", "lang": "en"},
        headers=bearer(marketer),
    ).json
    assert sad["links"] == [] and sad["blocked"][0]["offer"] == "washing-machine"
    assert any("tragedy" in reason for reason in sad["blocked"][0]["reasons"])
    assert {"code": "document", "kind": "tragedy"}.items() <= sad["blocked"][0]["evidence"][0].items()
    assert "html" in sad
    both = client.post("/api/v1/linker/scan", json={"text": "a", "html": "b"}, headers=bearer(marketer))
    assert both.status_code == 422


def test_kpis_summarise_the_queue(app, db, users, client):
    make_request(app, db, users["customer"])
    make_request(app, db, users["customer2"])
    agent = make_token(app, db, users["agent"])
    figures = client.get("/api/v1/kpis", headers=bearer(agent)).json
    assert figures["by_status"]["new"] == 2 and figures["open"] == 2
    assert figures["unassigned_open"] == 2 and figures["created_last_7_days"] == 2
    assert figures["average_rating"] is None


def test_reference_page_documents_every_operation_without_inline_code(app, client):
    with app.test_request_context():
        document = app.spec
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for path, item in document["paths"].items():
        for method in item:
            assert f"{method.upper()} {path}" in html
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/js/portal.js" defer>']  # base.html's
    assert "<style" not in html and "style=" not in html
    assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"]
    assert client.get("/api/v1/openapi.json").json["openapi"] == "3.1.0"


def test_marketers_create_and_change_offers(app, db, users, client):
    marketer = make_token(app, db, users["marketer"])
    body = {
        "code": "dryer",
        "title": "Dryers",
        "url": "https://shop.example.com/dryers",
        "phrases": {"en": ["dryer"]},
    }
    created = client.post("/api/v1/offers", json=body, headers=bearer(marketer))
    assert created.status_code == 201, created.get_data(as_text=True)
    assert created.json["code"] == "dryer" and created.json["status"] == "active"
    bad = client.post(
        "/api/v1/offers", json={**body, "code": "x2", "url": "javascript:alert(1)"}, headers=bearer(marketer)
    )
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "url"
    clash = client.post("/api/v1/offers", json=body, headers=bearer(marketer))
    assert clash.status_code == 422 and clash.json["errors"][0]["field"] == "code"
    changed = client.patch(
        f"/api/v1/offers/{created.json['id']}",
        json={"title": "Tumble dryers", "status": "paused"},
        headers=bearer(marketer),
    )
    assert changed.status_code == 200
    assert changed.json["title"] == "Tumble dryers" and changed.json["status"] == "paused"
    assert changed.json["phrases"] == {"en": ["dryer"]}
    agent = make_token(app, db, users["agent"])
    assert client.post("/api/v1/offers", json={**body, "code": "y"}, headers=bearer(agent)).status_code == 403

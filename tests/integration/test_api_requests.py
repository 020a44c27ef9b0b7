"""The API's request resources: the web's rules, cursor lists, replies, problems, idempotency."""

from __future__ import annotations

from sqlalchemy import select

from portal.models import AuditLog, RequestMessage, ServiceRequest
from tests.integration.api_helpers import bearer, make_token
from tests.integration.requests_helpers import catalog, make_request


def test_customer_creates_lists_and_replies_with_a_token(app, db, users, client):
    secret = make_token(app, db, users["customer"])
    created = client.post(
        "/api/v1/requests",
        json={"subject": "Washer leaks", "description": "Water under the machine."},
        headers=bearer(secret),
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    ref = created.json["reference"]
    assert created.headers["Location"] == f"/api/v1/requests/{ref}"
    assert created.json["status"] == "new" and created.json["channel"] == "api"

    listed = client.get("/api/v1/requests", headers=bearer(secret))
    assert [r["reference"] for r in listed.json["items"]] == [ref]
    assert listed.json["next_cursor"] is None

    reply = client.post(
        f"/api/v1/requests/{ref}/messages", json={"body": "Still leaking."}, headers=bearer(secret)
    )
    assert reply.status_code == 201
    assert reply.json["body"] == "Still leaking." and reply.json["internal"] is False
    stored = db.scalar(select(RequestMessage).where(RequestMessage.body == "Still leaking."))
    assert stored.channel == "api"


def test_other_customers_request_is_404_everywhere(app, db, users, client):
    theirs = make_request(app, db, users["customer2"])
    secret = make_token(app, db, users["customer"])
    for url in (
        f"/api/v1/requests/{theirs.reference}",
        f"/api/v1/requests/{theirs.reference}/messages",
        f"/api/v1/requests/{theirs.reference}/attachments",
    ):
        response = client.get(url, headers=bearer(secret))
        assert response.status_code == 404, url
        assert response.content_type == "application/problem+json"
        assert response.json["status"] == 404
    patch = client.patch(
        f"/api/v1/requests/{theirs.reference}", json={"status": "closed"}, headers=bearer(secret)
    )
    assert patch.status_code == 404
    reply = client.post(
        f"/api/v1/requests/{theirs.reference}/messages", json={"body": "hi"}, headers=bearer(secret)
    )
    assert reply.status_code == 404
    assert client.get("/api/v1/requests", headers=bearer(secret)).json["items"] == []


def test_customer_never_sees_internal_notes_and_cannot_write_them(app, db, users, client):
    mine = make_request(app, db, users["customer"])
    agent = make_token(app, db, users["agent"])
    note = client.post(
        f"/api/v1/requests/{mine.reference}/messages",
        json={"body": "Customer is VIP", "internal": True},
        headers=bearer(agent),
    )
    assert note.status_code == 201 and note.json["internal"] is True
    customer = make_token(app, db, users["customer"])
    thread = client.get(f"/api/v1/requests/{mine.reference}/messages", headers=bearer(customer)).json["items"]
    assert all(m["body"] != "Customer is VIP" for m in thread)
    staff_thread = client.get(f"/api/v1/requests/{mine.reference}/messages", headers=bearer(agent)).json[
        "items"
    ]
    assert any(m["body"] == "Customer is VIP" for m in staff_thread)
    refused = client.post(
        f"/api/v1/requests/{mine.reference}/messages",
        json={"body": "sneaky", "internal": True},
        headers=bearer(customer),
    )
    assert refused.status_code == 403


def test_staff_status_changes_follow_the_workflow(app, db, users, client):
    mine = make_request(app, db, users["customer"])
    agent = make_token(app, db, users["agent"])
    jump = client.patch(
        f"/api/v1/requests/{mine.reference}", json={"status": "closed"}, headers=bearer(agent)
    )
    assert jump.status_code == 409
    assert jump.json["errors"][0]["field"] == "status"
    ok = client.patch(
        f"/api/v1/requests/{mine.reference}",
        json={"status": "open", "priority": "high"},
        headers=bearer(agent),
    )
    assert ok.status_code == 200, ok.get_data(as_text=True)
    assert ok.json["status"] == "open" and ok.json["priority"] == "high"
    stale = client.patch(
        f"/api/v1/requests/{mine.reference}", json={"status": "resolved", "version": 1}, headers=bearer(agent)
    )
    assert stale.status_code == 409


def test_customer_may_close_but_not_set_priority(app, db, users, client):
    mine = make_request(app, db, users["customer"])
    secret = make_token(app, db, users["customer"])
    refused = client.patch(
        f"/api/v1/requests/{mine.reference}", json={"priority": "urgent"}, headers=bearer(secret)
    )
    assert refused.status_code == 403
    closed = client.patch(
        f"/api/v1/requests/{mine.reference}", json={"status": "closed"}, headers=bearer(secret)
    )
    assert closed.status_code == 200 and closed.json["status"] == "closed"


def test_invalid_input_is_a_problem_with_field_errors(app, db, users, client):
    secret = make_token(app, db, users["customer"])
    response = client.post(
        "/api/v1/requests", json={"subject": "", "priority": "asap"}, headers=bearer(secret)
    )
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    fields = {e["field"] for e in response.json["errors"]}
    assert {"subject", "description", "priority"} <= fields
    nul = client.post(
        "/api/v1/requests", json={"subject": "a\x00b", "description": "x"}, headers=bearer(secret)
    )
    assert nul.status_code == 422


def test_service_rules_answer_with_the_blamed_field(app, db, users, client):
    catalog(db)
    db.commit()
    secret = make_token(app, db, users["customer"])
    response = client.post(
        "/api/v1/requests",
        json={"subject": "Help", "description": "x", "category": "no-such-category"},
        headers=bearer(secret),
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "category"


def test_cursor_pagination_walks_every_request_once(app, db, users, client):
    made = [make_request(app, db, users["customer"], subject=f"Request {i}").reference for i in range(5)]
    secret = make_token(app, db, users["customer"])
    seen, cursor = [], None
    for _ in range(5):
        params = {"limit": 2, "sort": "created"} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/requests", query_string=params, headers=bearer(secret)).json
        seen += [r["reference"] for r in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made
    bad = client.get("/api/v1/requests", query_string={"cursor": "garbage!"}, headers=bearer(secret))
    assert bad.status_code == 400 and bad.content_type == "application/problem+json"


def test_filters_by_status_priority_and_category(app, db, users, client):
    things = catalog(db)
    db.commit()
    a = make_request(app, db, users["customer"], subject="A", category="laundry", priority="high")
    make_request(app, db, users["customer"], subject="B")
    secret = make_token(app, db, users["customer"])

    def refs(**params):
        return [
            r["reference"]
            for r in client.get("/api/v1/requests", query_string=params, headers=bearer(secret)).json["items"]
        ]

    assert refs(category="laundry") == [a.reference]
    assert refs(priority="high") == [a.reference]
    assert len(refs(status="active")) == 2
    assert refs(status="closed") == []
    assert things["laundry"].slug == "laundry"


def test_idempotency_key_replays_the_first_answer(app, db, users, client):
    secret = make_token(app, db, users["customer"])
    body = {"subject": "Only once", "description": "Please."}
    first = client.post("/api/v1/requests", json=body, headers=bearer(secret, **{"Idempotency-Key": "k-1"}))
    again = client.post("/api/v1/requests", json=body, headers=bearer(secret, **{"Idempotency-Key": "k-1"}))
    assert first.status_code == again.status_code == 201
    assert again.json["reference"] == first.json["reference"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert db.scalar(select(ServiceRequest).where(ServiceRequest.subject == "Only once")) is not None
    assert len(db.scalars(select(ServiceRequest).where(ServiceRequest.subject == "Only once")).all()) == 1
    other = client.post(
        "/api/v1/requests",
        json={**body, "subject": "Else"},
        headers=bearer(secret, **{"Idempotency-Key": "k-1"}),
    )
    assert other.status_code == 422
    fresh = client.post("/api/v1/requests", json=body, headers=bearer(secret, **{"Idempotency-Key": "k-2"}))
    assert fresh.json["reference"] != first.json["reference"]


def test_every_write_is_audited(app, db, users, client):
    secret = make_token(app, db, users["customer"])
    client.post("/api/v1/requests", json={"subject": "S", "description": "D"}, headers=bearer(secret))
    client.post("/api/v1/requests", json={"subject": ""}, headers=bearer(secret))
    rows = db.scalars(select(AuditLog).where(AuditLog.action == "api.write").order_by(AuditLog.id)).all()
    assert [r.details["status"] for r in rows] == [201, 422]
    assert rows[0].actor_id == users["customer"].id


def test_attachments_metadata_and_download(app, db, users, client):
    from portal.requests.attachments import Upload
    from tests.integration.requests_helpers import png_bytes

    mine = make_request(app, db, users["customer"], uploads=[Upload("photo.png", png_bytes())])
    theirs = make_request(app, db, users["customer2"], uploads=[Upload("x.png", png_bytes())])
    secret = make_token(app, db, users["customer"])
    items = client.get(f"/api/v1/requests/{mine.reference}/attachments", headers=bearer(secret)).json["items"]
    assert items[0]["name"] == "photo.png" and items[0]["content_type"] == "image/png"
    content = client.get(f"/api/v1/attachments/{items[0]['id']}/content", headers=bearer(secret))
    assert content.status_code == 200 and content.data == png_bytes()
    other_id = theirs.attachments[0].id
    assert client.get(f"/api/v1/attachments/{other_id}", headers=bearer(secret)).status_code == 404
    assert client.get(f"/api/v1/attachments/{other_id}/content", headers=bearer(secret)).status_code == 404


def test_an_id_past_the_column_range_is_404_for_every_method(app, db, users, client):
    secret = make_token(app, db, users["agent"])
    url = "/api/v1/articles/20698370583135/revisions"
    assert client.get(url, headers=bearer(secret)).status_code == 404
    assert client.post(url, json={"title": "t", "body_md": "b"}, headers=bearer(secret)).status_code == 404
    wrong = client.delete("/api/v1/requests", headers=bearer(secret))
    assert wrong.status_code == 405 and "GET" in wrong.headers["Allow"]

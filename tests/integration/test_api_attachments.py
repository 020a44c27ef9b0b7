"""Replies with files through the API: the web's services, checks and limits; refusals as 422 problems."""

from __future__ import annotations

import io

from sqlalchemy import select

from portal.models import Attachment, RequestMessage
from tests.integration.api_helpers import bearer, make_token
from tests.integration.requests_helpers import make_request, png_bytes


def _post(client, ref, secret, files, body="See the photo.", **extra):
    data = {"body": body, "files": [(io.BytesIO(content), name) for name, content in files], **extra}
    return client.post(
        f"/api/v1/requests/{ref}/attachments",
        data=data,
        content_type="multipart/form-data",
        headers=bearer(secret),
    )


def test_customer_replies_with_a_file_and_downloads_it(app, db, users, client):
    found = make_request(app, db, users["customer"])
    secret = make_token(app, db, users["customer"])
    response = _post(client, found.reference, secret, [("leak.png", png_bytes())])
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.json["body"] == "See the photo." and response.json["channel"] == "api"
    [item] = response.json["attachments"]
    assert item["name"] == "leak.png" and item["content_type"] == "image/png"
    stored = db.scalar(select(Attachment).where(Attachment.id == item["id"]))
    assert stored.message_id == response.json["id"] and stored.request_id == found.id
    download = client.get(f"/api/v1/attachments/{item['id']}/content", headers=bearer(secret))
    assert download.status_code == 200 and download.data == png_bytes()
    listed = client.get(f"/api/v1/requests/{found.reference}/attachments", headers=bearer(secret))
    assert [a["id"] for a in listed.json["items"]] == [item["id"]]


def test_refused_file_is_a_422_problem_on_the_attachments_field(app, db, users, client):
    found = make_request(app, db, users["customer"])
    secret = make_token(app, db, users["customer"])
    response = _post(client, found.reference, secret, [("run.exe", b"MZ\x90\x00" + b"\x00" * 64)])
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert [e["field"] for e in response.json["errors"]] == ["attachments"]
    assert db.scalar(select(Attachment)) is None
    assert db.scalar(select(RequestMessage).where(RequestMessage.body == "See the photo.")) is None


def test_the_webs_count_and_size_limits_apply(app, db, users, client):
    found = make_request(app, db, users["customer"])
    secret = make_token(app, db, users["customer"])
    app.config["ATTACHMENT_MAX_FILES"] = 1
    two = [("a.png", png_bytes()), ("b.png", png_bytes())]
    too_many = _post(client, found.reference, secret, two)
    assert too_many.status_code == 422 and too_many.json["errors"][0]["field"] == "attachments"
    app.config["ATTACHMENT_MAX_FILES"] = 5
    app.config["ATTACHMENT_MAX_BYTES"] = len(png_bytes()) - 1
    too_big = _post(client, found.reference, secret, [("a.png", png_bytes())])
    assert too_big.status_code == 422 and too_big.json["errors"][0]["field"] == "attachments"
    assert db.scalar(select(Attachment)) is None


def test_no_file_or_no_body_is_refused(app, db, users, client):
    found = make_request(app, db, users["customer"])
    secret = make_token(app, db, users["customer"])
    assert _post(client, found.reference, secret, []).status_code == 422
    blank = _post(client, found.reference, secret, [("a.png", png_bytes())], body="   ")
    assert blank.status_code == 422 and blank.json["errors"][0]["field"] == "body"


def test_other_customers_request_is_404_and_read_scope_is_403(app, db, users, client):
    theirs = make_request(app, db, users["customer2"])
    secret = make_token(app, db, users["customer"])
    assert _post(client, theirs.reference, secret, [("a.png", png_bytes())]).status_code == 404
    mine = make_request(app, db, users["customer"])
    reader = make_token(app, db, users["customer"], scopes=["requests:read"])
    assert _post(client, mine.reference, reader, [("a.png", png_bytes())]).status_code == 403
    assert db.scalar(select(Attachment)) is None


def test_agent_files_an_internal_note_with_a_file_the_customer_never_sees(app, db, users, client):
    found = make_request(app, db, users["customer"])
    agent = make_token(app, db, users["agent"])
    response = _post(client, found.reference, agent, [("log.txt", b"error 42\n")], internal="true")
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.json["internal"] is True and len(response.json["attachments"]) == 1
    customer = make_token(app, db, users["customer"])
    customer_try = _post(client, found.reference, customer, [("a.png", png_bytes())], internal="true")
    assert customer_try.status_code == 403
    [note_file] = response.json["attachments"]
    hidden = client.get(f"/api/v1/attachments/{note_file['id']}", headers=bearer(customer))
    assert hidden.status_code == 404
    listed = client.get(f"/api/v1/requests/{found.reference}/attachments", headers=bearer(customer))
    assert listed.json["items"] == []
    staff_list = client.get(f"/api/v1/requests/{found.reference}/attachments", headers=bearer(agent))
    assert [a["id"] for a in staff_list.json["items"]] == [note_file["id"]]

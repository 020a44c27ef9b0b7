"""Customers raise, follow, reply to, close, reopen and rate their own requests."""

import re

import pytest
from sqlalchemy import func, select

from portal.models import Attachment, RequestStatus, ServiceRequest
from portal.requests.attachments import Upload
from tests.conftest import csrf_token
from tests.integration.requests_helpers import catalog, make_request, own, png_bytes, post_new


def count(db, model=ServiceRequest):
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))


def test_customer_raises_a_request_with_a_photo(client_as, db, users):
    items = catalog(db)
    owned = own(db, users["customer"], items["washer"])
    db.commit()
    client = client_as("customer")
    response = post_new(client, product=f"own:{owned.id}", files=[("leak.png", png_bytes())])
    assert response.status_code == 302
    req = db.scalar(select(ServiceRequest))
    assert re.fullmatch(r"SR-\d{4}-\d{6}", req.reference)
    assert req.customer_product_id == owned.id and req.product_id == items["washer"].id
    assert req.status == RequestStatus.NEW and req.resolution_due is not None
    assert [e.kind for e in req.events] == ["created"]
    attachment = req.attachments[0]
    assert attachment.content_type == "image/png" and attachment.stored_name != "leak.png"
    page = client.get(f"/requests/{req.reference}").get_data(as_text=True)
    assert "Washer leaks" in page and "leak.png" in page
    with client.get(f"/attachments/{attachment.id}") as download:  # closes the streamed file
        assert download.data == png_bytes()
        assert download.headers["Content-Disposition"].startswith("attachment")
        assert download.headers["X-Content-Type-Options"] == "nosniff"
    with client.get(f"/attachments/{attachment.id}?preview=1") as preview:  # closes the streamed file
        assert preview.headers["Content-Disposition"].startswith("inline")


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"subject": ""}, "what the request is about"),
        ({"subject": "x" * 100_000}, "under 200 characters"),
        ({"category": "no-such-category"}, "category from the list"),
        ({"priority": "apocalyptic"}, "priority from the list"),
        ({"product": "catalog:999999"}, "product from the list"),
        ({"product": "own:abc"}, "product from the list"),
        ({"files": [("invoice.pdf", EXE)]}, "not an accepted file type"),
        ({"files": [("../../etc/passwd.txt", b"hello")]}, "is not allowed"),
        ({"files": [(f"f{i}.txt", b"hello") for i in range(6)]}, "at most 5 files"),
    ],
)
def test_bad_input_is_refused_with_typed_values_kept(client_as, db, users, fields, message):
    catalog(db)
    db.commit()
    client = client_as("customer")
    response = post_new(client, description="My typed description", **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert "My typed description" in html
    assert count(db) == 0 and count(db, Attachment) == 0


def test_someone_elses_product_is_refused(client_as, db, users):
    items = catalog(db)
    others = own(db, users["customer2"], items["washer"])
    db.commit()
    html = post_new(client_as("customer"), product=f"own:{others.id}").get_data(as_text=True)
    assert "one of your own products" in html and count(db) == 0


def test_oversized_files_are_refused(app, client_as, db, users):
    catalog(db)
    db.commit()
    app.config["ATTACHMENT_MAX_BYTES"], previous = 1000, app.config["ATTACHMENT_MAX_BYTES"]
    try:
        html = post_new(client_as("customer"), files=[("big.txt", b"a" * 2000)]).get_data(as_text=True)
    finally:
        app.config["ATTACHMENT_MAX_BYTES"] = previous
    assert "larger than" in html and count(db) == 0


def test_list_shows_only_own_requests_with_filter_and_search(app, client_as, db, users):
    catalog(db)
    make_request(app, db, users["customer"], subject="Washer leaks")
    make_request(app, db, users["customer"], subject="Router drops")
    make_request(app, db, users["customer2"], subject="Secret of customer two")
    client = client_as("customer")
    html = client.get("/requests").get_data(as_text=True)
    assert "Washer leaks" in html and "Router drops" in html and "Secret of customer two" not in html
    assert "Router drops" not in client.get("/requests?q=washer").get_data(as_text=True)
    assert "Washer leaks" not in client.get("/requests?status=closed").get_data(as_text=True)


ROUTES = [
    ("get", "/requests/{ref}"),
    ("post", "/requests/{ref}/reply"),
    ("post", "/requests/{ref}/close"),
    ("post", "/requests/{ref}/reopen"),
    ("post", "/requests/{ref}/rate"),
    ("get", "/attachments/{attachment}"),
    ("get", "/attachments/{attachment}?preview=1"),
]


@pytest.mark.parametrize("method,route", ROUTES)
def test_other_customers_are_refused_every_object(app, client_as, db, users, method, route):
    """The attachment is a real stored file: the owner downloads it, so a 404 is the access rule's."""
    catalog(db)
    req = make_request(app, db, users["customer"], uploads=[Upload("leak.png", png_bytes())])
    attachment = db.scalar(select(Attachment))
    url = route.format(ref=req.reference, attachment=attachment.id)
    if method == "get":
        assert client_as("customer").get(url).status_code == 200
        response = client_as("customer2").get(url)
    else:
        intruder = client_as("customer2")
        response = intruder.post(
            url, data={"csrf_token": csrf_token(intruder, "/requests"), "body": "hi", "rating": "5"}
        )
    assert response.status_code == 404
    db.expire_all()
    assert db.get(ServiceRequest, req.id).status == RequestStatus.NEW
    assert db.get(ServiceRequest, req.id).messages == []


def test_reply_reopens_a_request_waiting_on_the_customer(app, client_as, db, users):
    catalog(db)
    req = make_request(app, db, users["customer"])
    req.status = RequestStatus.WAITING_ON_CUSTOMER
    db.commit()
    client = client_as("customer")
    client.post(
        f"/requests/{req.reference}/reply",
        data={"body": "Here is the serial: 123", "csrf_token": csrf_token(client, "/requests")},
    )
    db.expire_all()
    req = db.get(ServiceRequest, req.id)
    assert req.status == RequestStatus.OPEN and req.messages[0].body == "Here is the serial: 123"
    assert [(e.kind, e.from_value, e.to_value) for e in req.events][-1] == (
        "status",
        "waiting_on_customer",
        "open",
    )


def test_close_reopen_within_the_window_and_rate_once(app, client_as, db, users):
    from datetime import timedelta

    from knowledge_base.db import utcnow

    catalog(db)
    req = make_request(app, db, users["customer"])
    req.status, req.resolved_at = RequestStatus.RESOLVED, utcnow()
    db.commit()
    client = client_as("customer")
    token = csrf_token(client, "/requests")
    client.post(
        f"/requests/{req.reference}/rate", data={"rating": "4", "comment": "Quick", "csrf_token": token}
    )
    client.post(f"/requests/{req.reference}/rate", data={"rating": "1", "csrf_token": token})
    db.expire_all()
    req = db.get(ServiceRequest, req.id)
    assert (req.rating, req.rating_comment) == (4, "Quick")
    client.post(f"/requests/{req.reference}/reopen", data={"csrf_token": token})
    db.expire_all()
    assert db.get(ServiceRequest, req.id).status == RequestStatus.OPEN
    client.post(f"/requests/{req.reference}/close", data={"csrf_token": token, "confirm": "yes"})
    db.expire_all()
    assert db.get(ServiceRequest, req.id).status == RequestStatus.CLOSED

    late = make_request(app, db, users["customer"], subject="Old one")
    late.status, late.resolved_at = RequestStatus.RESOLVED, utcnow() - timedelta(days=15)
    db.commit()
    page = client.post(
        f"/requests/{late.reference}/reopen", data={"csrf_token": token}, follow_redirects=True
    )
    assert "14 days" in page.get_data(as_text=True)
    db.expire_all()
    assert db.get(ServiceRequest, late.id).status == RequestStatus.RESOLVED

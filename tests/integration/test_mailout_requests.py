"""The request loop completed: reply attachments on both sides, the reopen window and follow-up
requests, requests opened on a customer's behalf, the priorities customers may choose."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import select

from knowledge_base.db import utcnow
from portal.models import Attachment, AuditLog, Priority, RequestStatus, ServiceRequest, User
from tests.conftest import csrf_token
from tests.integration.mailout_helpers import customer_reply, text_of
from tests.integration.requests_helpers import catalog, handling_form, make_request, png_bytes, post_new

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


@pytest.fixture
def req(app, db, users):
    catalog(db)
    return make_request(app, db, users["customer"])


def reload(db, req) -> ServiceRequest:
    db.expire_all()
    return db.get(ServiceRequest, req.id)


# --- attachments on replies ------------------------------------------------------------------


def test_a_customer_reply_carries_a_photo_the_agent_can_open(client_as, db, req):
    customer = client_as("customer")
    response = customer_reply(
        customer, req.reference, "Here is the photo.", files=[("leak.png", png_bytes())]
    )
    assert response.status_code == 302
    (item,) = db.scalars(select(Attachment)).all()
    assert item.message is not None and item.message.body == "Here is the photo."
    assert item.uploader_id == req.customer_id and item.content_type == "image/png"
    page = client_as("agent").get(f"/staff/requests/{req.reference}").get_data(as_text=True)
    assert f"/attachments/{item.id}" in page
    assert client_as("agent").get(f"/attachments/{item.id}").data == png_bytes()


def test_a_refused_file_keeps_the_reply_text_and_stores_nothing(client_as, db, req):
    customer = client_as("customer")
    response = customer_reply(customer, req.reference, "My text stays.", files=[("setup.exe", EXE)])
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "not an accepted file type" in html and "My text stays." in html
    assert db.scalars(select(Attachment)).all() == [] and reload(db, req).messages == []


def test_too_many_files_on_a_reply_are_refused(app, client_as, db, req):
    customer = client_as("customer")
    files = [(f"p{n}.png", png_bytes()) for n in range(app.config["ATTACHMENT_MAX_FILES"] + 1)]
    assert customer_reply(customer, req.reference, "Photos", files=files).status_code == 400
    assert db.scalars(select(Attachment)).all() == []


def agent_post(client, ref, files=(), **fields):
    import io

    data = handling_form(client, ref)
    data.update(fields)
    data["attachments"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(f"/staff/requests/{ref}", data=data, content_type="multipart/form-data")


def test_an_agent_reply_carries_a_file_the_customer_can_download(client_as, db, req, mail_to_smtp):
    agent = client_as("agent")
    response = agent_post(
        agent, req.reference, files=[("manual.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n")], body="See page 4."
    )
    assert response.status_code == 302
    (item,) = db.scalars(select(Attachment)).all()
    assert item.content_type == "application/pdf" and item.uploader_id != req.customer_id
    customer = client_as("customer")
    assert f"/attachments/{item.id}" in customer.get(f"/requests/{req.reference}").get_data(as_text=True)
    assert customer.get(f"/attachments/{item.id}").status_code == 200
    (mail,) = mail_to_smtp.messages
    assert "manual.pdf" in text_of(mail)
    (attached,) = list(mail.iter_attachments())
    assert attached.get_filename() == "manual.pdf" and attached.get_content_type() == "application/pdf"
    assert attached.get_content() == b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n"


def test_a_file_on_an_internal_note_stays_with_staff(client_as, db, req):
    agent = client_as("agent")
    response = agent_post(
        agent, req.reference, files=[("notes.png", png_bytes())], body="Internal", internal="y"
    )
    assert response.status_code == 302
    (item,) = db.scalars(select(Attachment)).all()
    customer = client_as("customer")
    assert f"/attachments/{item.id}" not in customer.get(f"/requests/{req.reference}").get_data(as_text=True)
    assert customer.get(f"/attachments/{item.id}").status_code == 404
    assert agent.get(f"/attachments/{item.id}").status_code == 200


def test_an_agent_file_without_a_message_is_a_form_error(client_as, db, req):
    agent = client_as("agent")
    response = agent_post(agent, req.reference, files=[("a.png", png_bytes())], body="")
    assert response.status_code == 400 and "Write a message to go with the files." in response.get_data(
        as_text=True
    )
    assert db.scalars(select(Attachment)).all() == []


# --- reopen window ---------------------------------------------------------------------------


def resolve(db, req, days_ago: float) -> None:
    req.status, req.resolved_at = RequestStatus.RESOLVED, utcnow() - timedelta(days=days_ago)
    db.commit()


def test_a_reply_within_the_reopen_window_reopens_the_request(app, client_as, db, req):
    resolve(db, req, app.config["REOPEN_DAYS"] - 1)
    # shown in the reader's locale format (English, the default UTC zone): "Jan 5, 2026"
    deadline = format_date(req.resolved_at + timedelta(days=app.config["REOPEN_DAYS"]), "medium", locale="en")
    page = client_as("customer").get(f"/requests/{req.reference}").get_data(as_text=True)
    assert f"A reply until {deadline} reopens this request" in page
    response = customer_reply(client_as("customer"), req.reference, "It leaks again.")
    assert response.status_code == 302 and response.headers["Location"].endswith(req.reference)
    req = reload(db, req)
    assert req.status == RequestStatus.OPEN and req.resolved_at is None
    assert req.messages[-1].body == "It leaks again."
    assert db.scalar(select(ServiceRequest).where(ServiceRequest.id != req.id)) is None


def test_a_reply_after_the_window_starts_a_new_linked_request(app, client_as, db, users, req, mail_to_smtp):
    resolve(db, req, app.config["REOPEN_DAYS"] + 1)
    customer = client_as("customer")
    response = customer_reply(customer, req.reference, "It leaks again, months later.")
    assert response.status_code == 302
    new = db.scalar(select(ServiceRequest).where(ServiceRequest.follows_up_id == req.id))
    assert new is not None and response.headers["Location"].endswith(new.reference)
    assert reload(db, req).status == RequestStatus.RESOLVED  # the old one stays as it was
    assert new.status == RequestStatus.NEW and new.customer_id == req.customer_id
    assert [m.body for m in new.messages] == ["It leaks again, months later."]
    assert new.category_id == req.category_id
    old_page = customer.get(f"/requests/{req.reference}").get_data(as_text=True)
    new_page = customer.get(f"/requests/{new.reference}").get_data(as_text=True)
    assert f'href="/requests/{new.reference}"' in old_page
    assert f'href="/requests/{req.reference}"' in new_page
    staff_page = client_as("agent").get(f"/staff/requests/{new.reference}").get_data(as_text=True)
    assert f'href="/staff/requests/{req.reference}"' in staff_page
    assert [m["To"] for m in mail_to_smtp.messages] == ["customer@example.com"]  # its acknowledgement
    assert new.reference in mail_to_smtp.messages[0]["Subject"]


def test_the_service_reopen_rule_applies_to_mail_replies_too(app, db, users, req):
    from portal.requests import services

    resolve(db, req, app.config["REOPEN_DAYS"] + 3)
    with app.test_request_context():
        message = services.customer_reply(
            db,
            users["customer"],
            req,
            "By mail",
            20000,
            reopen_days=app.config["REOPEN_DAYS"],
            channel="email",
            mail_message_id="<m1@customer.example>",
        )
    db.commit()
    assert message.request.follows_up_id == req.id and message.channel == "email"
    assert message.mail_message_id == "<m1@customer.example>"


# --- on behalf of a customer -----------------------------------------------------------------


def on_behalf(client, **fields):
    data = {
        "csrf_token": csrf_token(client, "/staff/requests/new"),
        "customer": "new.person@example.org",
        "customer_name": "New Person",
        "channel": "phone",
        "subject": "Dryer is noisy",
        "description": "Called at 9:00, the dryer rattles.",
        "category": "laundry",
        "priority": "urgent",
    }
    data.update(fields)
    return client.post("/staff/requests/new", data=data, content_type="multipart/form-data")


def test_an_agent_opens_a_request_for_a_new_customer_who_gets_a_password_link(
    app, client, client_as, db, users, req, mail_to_smtp
):
    agent = client_as("agent")
    response = on_behalf(agent)
    assert response.status_code == 302
    person = db.scalar(select(User).where(User.email == "new.person@example.org"))
    assert person is not None and person.name == "New Person" and not person.is_staff
    created = db.scalar(select(ServiceRequest).where(ServiceRequest.customer_id == person.id))
    assert created.channel == "phone" and created.priority == Priority.URGENT
    assert created.events[0].actor_id == users["agent"].id
    assert db.scalar(select(AuditLog).where(AuditLog.target == person.email)).actor_id == users["agent"].id
    (mail,) = mail_to_smtp.messages
    assert mail["To"] == "new.person@example.org" and created.reference in mail["Subject"]
    link = re.search(r"http://127\.0\.0\.1:5000(/reset-password/\S+)", text_of(mail)).group(1)
    assert client.get(link).status_code == 200  # the set-password page opens
    page = agent.get(f"/staff/requests/{created.reference}").get_data(as_text=True)
    assert "by phone" in page


def test_an_agent_opens_a_request_for_an_existing_customer(client_as, db, users, req):
    response = on_behalf(client_as("agent"), customer="CUSTOMER@example.com", channel="counter")
    assert response.status_code == 302
    created = db.scalar(select(ServiceRequest).where(ServiceRequest.channel == "counter"))
    assert created.customer_id == users["customer"].id
    assert db.scalar(select(User).where(User.email == "new.person@example.org")) is None


def test_staff_addresses_and_bad_channels_are_refused(client_as, db, users, req):
    agent = client_as("agent")
    staff = on_behalf(agent, customer="marketer@example.com")
    assert staff.status_code == 400 and "staff account" in staff.get_data(as_text=True)
    bad = on_behalf(agent, channel="web")
    assert bad.status_code == 400 and "Dryer is noisy" in bad.get_data(as_text=True)
    assert db.scalar(select(User).where(User.email == "new.person@example.org")) is None


def test_customers_cannot_open_requests_for_others(client_as, req):
    customer = client_as("customer")
    assert customer.get("/staff/requests/new").status_code in (403, 404)


# --- priorities ------------------------------------------------------------------------------


def test_customers_choose_only_allowed_priorities(client_as, db, req):
    customer = client_as("customer")
    form = customer.get("/requests/new").get_data(as_text=True)
    assert 'value="low"' in form and 'value="normal"' in form and 'value="urgent"' not in form
    forged = post_new(customer, priority="urgent")
    assert forged.status_code == 200 and "Choose a priority from the list." in forged.get_data(as_text=True)
    assert db.scalar(select(ServiceRequest).where(ServiceRequest.priority == Priority.URGENT)) is None
    assert post_new(customer, priority="low").status_code == 302


def test_admins_set_the_priorities_customers_may_choose(client_as, db, req):
    admin = client_as("admin")
    token = csrf_token(admin, "/admin/priorities")
    response = admin.post("/admin/priorities", data={"csrf_token": token, "priorities": ["normal", "high"]})
    assert response.status_code == 302
    assert db.scalar(select(AuditLog).where(AuditLog.action == "settings.customer_priorities")) is not None
    customer = client_as("customer")
    assert post_new(customer, priority="high").status_code == 302
    assert post_new(customer, priority="low").status_code == 200
    empty = admin.post("/admin/priorities", data={"csrf_token": token})
    assert "at least one priority" in empty.get_data(as_text=True)
    assert client_as("agent").get("/admin/priorities").status_code in (403, 404)


def test_history_shows_each_messages_channel(client_as, db, users, req):
    from portal.models import RequestMessage

    db.add(RequestMessage(request_id=req.id, author_id=users["customer"].id, body="By mail", channel="email"))
    db.commit()
    customer_reply(client_as("customer"), req.reference, "On the web")
    page = client_as("agent").get(f"/staff/requests/{req.reference}").get_data(as_text=True)
    channels = re.findall(r'<span class="message__channel">([^<]+)</span>', page)
    assert channels == ["by email", "via the portal"]

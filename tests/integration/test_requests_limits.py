"""Size and rate limits on what customers and agents write, and bounded mail excerpts."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.models import CannedResponse, RequestMessage, ServiceRequest
from tests.conftest import csrf_token
from tests.integration.requests_helpers import catalog, handling_form, make_request, post_new, submit

LIMIT = 20_000  # the default of PORTAL_MESSAGE_MAX_CHARS


@pytest.fixture
def req(app, db, users):
    catalog(db)
    return make_request(app, db, users["customer"])


def messages(db) -> list[str]:
    db.expire_all()
    return list(db.scalars(select(RequestMessage.body).order_by(RequestMessage.id)))


def reply(client, ref: str, body: str):
    return client.post(f"/requests/{ref}/reply", data={"body": body, "csrf_token": csrf_token(client, "/")})


def test_default_message_limit_is_20000_characters(app):
    assert app.config["MESSAGE_MAX_CHARS"] == LIMIT


def test_an_over_long_customer_reply_is_a_form_error_that_keeps_the_text(client_as, db, req):
    customer = client_as("customer")
    text = "My washer " + "x" * LIMIT
    response = reply(customer, req.reference, text)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "the limit is 20000" in html and text in html
    assert messages(db) == []
    assert reply(customer, req.reference, "x" * LIMIT).status_code == 302  # exactly the limit passes
    assert len(messages(db)) == 1


def test_an_over_long_staff_reply_or_note_is_a_form_error_that_keeps_the_text(client_as, db, req):
    agent = client_as("agent")
    for internal in ("", "y"):
        text = "Note " + "y" * LIMIT
        form = handling_form(agent, req.reference)
        response = submit(agent, req.reference, form, body=text, internal=internal)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert "the limit is 20000" in html and text in html
    assert messages(db) == []


def test_the_limit_is_a_setting_and_covers_descriptions(app, client_as, db, users, monkeypatch):
    catalog(db)
    db.commit()
    monkeypatch.setitem(app.config, "MESSAGE_MAX_CHARS", 100)
    html = post_new(client_as("customer"), description="d" * 101).get_data(as_text=True)
    assert "the limit is 100" in html and "d" * 101 in html
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(ServiceRequest)) == 0


def test_canned_responses_are_limited_too(app, client_as, db, monkeypatch):
    monkeypatch.setitem(app.config, "MESSAGE_MAX_CHARS", 100)
    agent = client_as("agent")
    token = csrf_token(agent, "/staff/canned")
    long_body = agent.post(
        "/staff/canned", data={"title": "Long", "body": "b" * 101, "category": "", "csrf_token": token}
    )
    long_title = agent.post(
        "/staff/canned", data={"title": "T" * 121, "body": "Fine", "category": "", "csrf_token": token}
    )
    for response, kept in ((long_body, "b" * 101), (long_title, "T" * 121)):
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "the limit is" in html and kept in html
    db.expire_all()
    assert db.scalar(select(CannedResponse)) is None


def test_a_duplicate_canned_title_is_a_form_error(client_as, db):
    agent = client_as("agent")
    token = csrf_token(agent, "/staff/canned")
    data = {"title": "Hello", "body": "Hi", "category": "", "csrf_token": token}
    assert agent.post("/staff/canned", data=data).status_code == 302
    db.add(CannedResponse(title="Same", body="x", category_id=None))
    db.commit()
    response = agent.post("/staff/canned", data={**data, "title": "Hello"})
    assert response.status_code == 200 and "already exists" in response.get_data(as_text=True)


def test_rating_comments_are_limited_not_cut(app, client_as, db, req):
    from knowledge_base.db import utcnow
    from portal.models import RequestStatus

    req.status, req.resolved_at = RequestStatus.RESOLVED, utcnow()
    db.commit()
    customer = client_as("customer")
    page = customer.post(
        f"/requests/{req.reference}/rate",
        data={"rating": "5", "comment": "c" * 2001, "csrf_token": csrf_token(customer, "/")},
        follow_redirects=True,
    )
    assert "the limit is 2000" in page.get_data(as_text=True)
    db.expire_all()
    assert db.get(ServiceRequest, req.id).rating is None


# --- rate limits ------------------------------------------------------------------------------


def test_replies_are_rate_limited_per_user(app, client_as, db, users, req, monkeypatch):
    monkeypatch.setitem(app.config, "REPLY_RATE_LIMIT", "2 per minute")
    customer = client_as("customer")
    assert [reply(customer, req.reference, f"Reply {i}").status_code for i in range(3)] == [302, 302, 429]
    assert messages(db) == ["Reply 0", "Reply 1"]
    page = reply(customer, req.reference, "Again").get_data(as_text=True)
    assert "Too many attempts" in page
    other = make_request(app, db, users["customer2"], subject="Router")
    assert reply(client_as("customer2"), other.reference, "Mine").status_code == 302  # keyed per user


def test_new_requests_are_rate_limited_per_user(app, client_as, db, users, monkeypatch):
    catalog(db)
    db.commit()
    monkeypatch.setitem(app.config, "REQUEST_RATE_LIMIT", "2 per minute")
    customer = client_as("customer")
    assert [post_new(customer).status_code for _ in range(3)] == [302, 302, 429]
    assert customer.get("/requests/new").status_code == 200  # reading the form is not limited
    assert post_new(client_as("customer2")).status_code == 302
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(ServiceRequest)) == 3


def test_staff_saves_are_rate_limited_per_agent(app, client_as, db, req, monkeypatch):
    monkeypatch.setitem(app.config, "STAFF_RATE_LIMIT", "2 per minute")
    agent = client_as("agent")
    codes = [
        submit(agent, req.reference, handling_form(agent, req.reference), body=f"Answer {i}").status_code
        for i in range(3)
    ]
    assert codes == [302, 302, 429]
    assert messages(db) == ["Answer 0", "Answer 1"]
    assert agent.get(f"/staff/requests/{req.reference}").status_code == 200
    admin = client_as("admin")
    assert submit(admin, req.reference, handling_form(admin, req.reference), body="Admin").status_code == 302


# --- mail excerpts ----------------------------------------------------------------------------


def test_reply_mails_carry_a_bounded_excerpt_and_a_link(app, client_as, db, users, req, mail_to_smtp):
    agent = client_as("agent")
    body = "Start of the answer. " + "word " * 3000 + "SECRET-END"
    response = submit(
        agent, req.reference, handling_form(agent, req.reference), body=body, assignee=str(users["agent"].id)
    )
    assert response.status_code == 302
    to_customer = next(m for m in mail_to_smtp.messages if m["To"] == "customer@example.com")
    text = to_customer.get_body(("plain",)).get_content()
    assert "Start of the answer." in text and "SECRET-END" not in text
    assert len(text) < app.config["MAIL_EXCERPT_CHARS"] + 1000
    assert "Read the rest in the portal" in text and f"/requests/{req.reference}" in text

    customer = client_as("customer")
    assert reply(customer, req.reference, "Customer start. " + "z " * 5000 + "TAIL").status_code == 302
    to_agent = mail_to_smtp.messages[-1]
    assert to_agent["To"] == "agent@example.com"
    agent_text = to_agent.get_body(("plain",)).get_content()
    assert "Customer start." in agent_text and "TAIL" not in agent_text
    assert "Read the rest in the portal" in agent_text and f"/staff/requests/{req.reference}" in agent_text


def test_short_replies_are_mailed_whole(client_as, db, req, mail_to_smtp):
    agent = client_as("agent")
    submit(agent, req.reference, handling_form(agent, req.reference), body="Short answer, whole.")
    text = mail_to_smtp.messages[0].get_body(("plain",)).get_content()
    assert "Short answer, whole." in text and "Read the rest" not in text

"""Every request mail threads and routes back: signed Message-ID, In-Reply-To/References,
Reply-To on the support address, the reference in the subject."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.mail_ids import message_ids_in, reference_from_message_id
from portal.models import RequestMessage
from tests.integration.mailout_helpers import customer_reply
from tests.integration.requests_helpers import catalog, handling_form, make_request, submit

SECRET = "test-secret-key-that-is-long-enough-0123456789"


@pytest.fixture
def req(app, db, users):
    catalog(db)
    return make_request(app, db, users["customer"], subject="Washer leaks")


def test_agent_replies_reach_the_customer_threaded_and_routed_back(app, client_as, db, req, mail_to_smtp):
    agent = client_as("agent")
    assert (
        submit(agent, req.reference, handling_form(agent, req.reference), body="First answer").status_code
        == 302
    )
    assert (
        submit(agent, req.reference, handling_form(agent, req.reference), body="Second answer").status_code
        == 302
    )
    first, second = mail_to_smtp.messages
    for mail in (first, second):
        assert mail["Subject"].startswith(f"[{req.reference}] ")
        assert "Washer leaks" in mail["Subject"]
        assert reference_from_message_id(SECRET, mail["Message-ID"]) == req.reference
        assert mail["Reply-To"] == app.config["SUPPORT_ADDRESS"]
        assert mail["Auto-Submitted"] == "auto-generated"
    assert first["In-Reply-To"] is None and first["References"] is None
    assert second["In-Reply-To"] == first["Message-ID"]
    assert message_ids_in(second["References"]) == [first["Message-ID"]]
    stored = db.scalars(select(RequestMessage).order_by(RequestMessage.id)).all()
    assert [m.mail_message_id for m in stored] == [first["Message-ID"], second["Message-ID"]]


def test_a_forged_or_foreign_message_id_names_no_request(app, client_as, req, mail_to_smtp):
    agent = client_as("agent")
    submit(agent, req.reference, handling_form(agent, req.reference), body="Answer")
    message_id = mail_to_smtp.messages[0]["Message-ID"]
    assert reference_from_message_id("another-secret", message_id) is None
    forged = message_id.replace(req.reference, "SR-2026-999999")
    assert reference_from_message_id(SECRET, forged) is None


def test_the_next_mail_answers_the_customers_own_mail(app, client_as, db, users, req, mail_to_smtp):
    agent = client_as("agent")
    submit(agent, req.reference, handling_form(agent, req.reference), body="Answer one")
    ours = mail_to_smtp.messages[0]["Message-ID"]
    inbound = RequestMessage(
        request_id=req.id,
        author_id=users["customer"].id,
        body="Reply by mail",
        channel="email",
        mail_message_id="<abc123@customer.example>",
    )
    db.add(inbound)
    db.commit()
    submit(agent, req.reference, handling_form(agent, req.reference), body="Answer two")
    latest = mail_to_smtp.messages[-1]
    assert latest["In-Reply-To"] == "<abc123@customer.example>"
    assert message_ids_in(latest["References"]) == [ours, "<abc123@customer.example>"]


def test_each_recipient_gets_a_thread_of_their_own(app, client_as, db, users, req, mail_to_smtp):
    req.assignee_id = users["agent"].id
    db.commit()
    agent, customer = client_as("agent"), client_as("customer")
    submit(agent, req.reference, handling_form(agent, req.reference), body="Answer")
    assert customer_reply(customer, req.reference, "Thanks, still wet.").status_code == 302
    to_customer, to_agent = mail_to_smtp.messages
    assert to_agent["To"] == "agent@example.com"
    assert to_agent["In-Reply-To"] is None  # the agent's first mail about it: not threaded on the customer's
    assert reference_from_message_id(SECRET, to_agent["Message-ID"]) == req.reference
    assert to_agent["Subject"].startswith(f"[{req.reference}] ")


def test_reply_to_can_carry_the_reference_as_a_plus_address(app, client_as, req, mail_to_smtp):
    app.config["SUPPORT_PLUS_ADDRESS"], previous = True, app.config["SUPPORT_PLUS_ADDRESS"]
    app.config["SUPPORT_ADDRESS"], old_address = "help@shop.example", app.config["SUPPORT_ADDRESS"]
    try:
        agent = client_as("agent")
        submit(agent, req.reference, handling_form(agent, req.reference), body="Answer")
    finally:
        app.config["SUPPORT_PLUS_ADDRESS"], app.config["SUPPORT_ADDRESS"] = previous, old_address
    assert mail_to_smtp.messages[0]["Reply-To"] == f"help+{req.reference}@shop.example"


def test_message_ids_use_the_configured_mail_domain(app, client_as, req, mail_to_smtp):
    agent = client_as("agent")
    submit(agent, req.reference, handling_form(agent, req.reference), body="Answer")
    assert mail_to_smtp.messages[0]["Message-ID"].endswith(f"@{app.config['MAIL_DOMAIN']}>")

"""The request loop by mail: acknowledgements with suggested articles, agents' preferences,
one customer mail per save."""

from __future__ import annotations

import re

import pytest

from portal.models import AgentMailPreference, CategoryWatch
from tests.conftest import add_agent, csrf_token
from tests.integration.kb_helpers import publish_article
from tests.integration.mailout_helpers import customer_reply, text_of
from tests.integration.requests_helpers import catalog, handling_form, make_request, post_new, submit


@pytest.fixture
def laundry(app, db, users):
    category = catalog(db)["laundry"]
    db.commit()
    return category


def test_new_request_is_acknowledged_in_the_customers_language_with_three_articles(
    app, client_as, db, users, laundry, mail_to_smtp
):
    for n in range(4):
        publish_article(
            app,
            db,
            slug=f"pralka-{n}",
            locale="pl",
            title=f"Pralka cieknie {n}",
            body="Gdy pralka cieknie, sprawdź filtr pompy i wąż odpływowy.",
            tags=("pralka",),
        )
    publish_article(
        app, db, slug="washer-leaks", locale="en", title="Washer leaks", body="Check the pump filter."
    )
    users["customer"].locale = "pl"
    db.commit()
    customer = client_as("customer")
    response = post_new(customer, subject="Pralka cieknie", description="Woda pod pralką po każdym praniu.")
    assert response.status_code == 302
    (mail,) = mail_to_smtp.messages
    assert mail["To"] == "customer@example.com"
    assert "Otrzymaliśmy Twoje zgłoszenie" in mail["Subject"] and mail["Subject"].startswith("[SR-")
    body = text_of(mail)
    assert "Te artykuły mogą już zawierać odpowiedź:" in body
    assert body.count("/kb/pl/a/pralka-") == 3  # at most three, and only in the customer's language
    assert "washer-leaks" not in body


def test_acknowledgement_without_matching_articles_lists_none(app, client_as, users, laundry, mail_to_smtp):
    post_new(client_as("customer"), subject="Zzyzx qwerty", description="Nothing matches this.")
    (mail,) = mail_to_smtp.messages
    assert "/kb/pl/a/" not in text_of(mail) and "may already answer" not in text_of(mail)


def test_agents_watching_a_category_hear_of_new_requests_in_it(
    app, client_as, db, users, laundry, mail_to_smtp
):

    other = add_agent(app, db)
    agent = client_as("agent")
    token = csrf_token(agent, "/account")
    response = agent.post(
        "/staff/mail-preferences",
        data={"csrf_token": token, "mail-watched": [str(laundry.id)], "mail-replies_on_assigned": "y"},
    )
    assert response.status_code == 302
    assert db.get(CategoryWatch, (users["agent"].id, laundry.id)) is not None
    page = agent.get("/account").get_data(as_text=True)
    assert re.search(rf'<input checked[^>]*name="mail-watched"[^>]*value="{laundry.id}"', page)

    post_new(client_as("customer"), subject="Washer leaks", category="laundry")
    post_new(client_as("customer"), subject="Router drops", category="")
    recipients = [m["To"] for m in mail_to_smtp.messages]
    assert recipients.count("agent@example.com") == 1  # only the laundry request
    assert other.email not in recipients
    to_agent = next(m for m in mail_to_smtp.messages if m["To"] == "agent@example.com")
    assert "New request" in to_agent["Subject"] and "/staff/requests/SR-" in text_of(to_agent)


def test_an_agent_can_ask_for_every_new_request(app, client_as, db, users, laundry, mail_to_smtp):
    db.add(AgentMailPreference(user_id=users["agent"].id, all_new_requests=True, replies_on_assigned=True))
    db.commit()
    post_new(client_as("customer"), subject="Router drops", category="")
    assert [m["To"] for m in mail_to_smtp.messages].count("agent@example.com") == 1


def test_customers_cannot_set_agent_mail_preferences(client_as, users):
    customer = client_as("customer")
    assert "Mail about requests" not in customer.get("/account").get_data(as_text=True)
    token = csrf_token(customer, "/account")
    assert customer.post("/staff/mail-preferences", data={"csrf_token": token}).status_code in (403, 404)


def test_agents_can_turn_off_mails_about_replies_on_their_requests(
    app, client_as, db, users, laundry, mail_to_smtp
):
    req = make_request(app, db, users["customer"])
    req.assignee_id = users["agent"].id
    db.commit()
    customer = client_as("customer")
    customer_reply(customer, req.reference, "Any news?")
    assert [m["To"] for m in mail_to_smtp.messages] == ["agent@example.com"]
    agent = client_as("agent")
    agent.post("/staff/mail-preferences", data={"csrf_token": csrf_token(agent, "/account")})
    assert db.get(AgentMailPreference, users["agent"].id).replies_on_assigned is False
    customer_reply(customer, req.reference, "Hello?")
    assert len(mail_to_smtp.messages) == 1


def test_one_save_sends_the_customer_at_most_one_mail(app, client_as, db, users, laundry, mail_to_smtp):
    req = make_request(app, db, users["customer"])
    agent = client_as("agent")
    form = handling_form(agent, req.reference)
    submit(agent, req.reference, form, body="Please send a photo.", status="waiting_on_customer")
    assert [m["To"] for m in mail_to_smtp.messages] == ["customer@example.com"]
    text = text_of(mail_to_smtp.messages[0])
    assert "Please send a photo." in text and "Waiting on you" in text
    submit(agent, req.reference, handling_form(agent, req.reference), status="open", priority="high")
    assert len(mail_to_smtp.messages) == 2  # a status change alone: one status mail


def test_notifiers_also_take_the_older_call_made_after_a_commit(app, db, users, laundry, mail_to_smtp):
    from portal.requests import notifications

    req = make_request(app, db, users["customer"])
    req.assignee_id = users["agent"].id
    db.commit()
    with app.test_request_context():
        notifications.assignee_told_of_customer_reply(req, "Sent by the mail channel")
    (mail,) = mail_to_smtp.messages
    assert mail["To"] == "agent@example.com" and "Sent by the mail channel" in text_of(mail)
    assert mail["Subject"].startswith(f"[{req.reference}]")

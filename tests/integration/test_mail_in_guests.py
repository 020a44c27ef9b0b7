# ruff: noqa: F811  (pytest fixtures imported from mail_fixtures are redefined as parameters)
"""A stranger's mail makes a guest customer, who gets a set-password link and then sees the request."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.models import AuditLog, User
from tests.conftest import AuthActions, csrf_token
from tests.integration.mail_builders import mail
from tests.integration.mail_fixtures import dovecot_server, imap_account  # noqa: F401 (fixtures)
from tests.integration.test_mail_in_imap import add_mailbox, all_requests

NEW_PASSWORD = "a-long-guest-password-42"


def fetch_and_welcome(app):
    from portal.db import get_session
    from portal.mail_in.fetch import fetch_all

    with app.app_context():
        return fetch_all(get_session(), app.config)


def test_unknown_sender_becomes_a_guest_who_sets_a_password_and_sees_the_request(
    app, db, users, imap_account, mail_to_smtp, client
):
    add_mailbox(db, imap_account)
    imap_account.deliver(
        mail(
            sender="Anna Nowak <anna@example.pl>",
            subject="Zmywarka cieknie",
            body="Dzień dobry, zmywarka cieknie od wczoraj. Proszę o pomoc.\n",
        )
    )

    fetch_and_welcome(app)

    [request] = all_requests(db)
    guest = db.scalar(select(User).where(User.email == "anna@example.pl"))
    assert guest.name == "Anna Nowak" and guest.locale == "pl" and guest.email_confirmed_at is None
    assert request.customer_id == guest.id and request.channel == "email"
    assert (
        db.scalar(select(AuditLog).where(AuditLog.action == "user.guest_created")).target == "anna@example.pl"
    )
    [sent] = mail_to_smtp.messages
    assert sent["To"] == "anna@example.pl"
    assert request.reference in sent["Subject"]
    text = sent.get_body(("plain",)).get_content()
    link = re.search(r"https?://\S+/welcome/\S+", text).group(0)
    path = "/" + link.split("/", 3)[3]

    response = client.post(
        path,
        data={
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
            "csrf_token": csrf_token(client, path),
        },
    )
    assert response.status_code == 302
    assert client.get(path).status_code == 302  # the link works once

    assert AuthActions(client).login("anna@example.pl", NEW_PASSWORD).status_code == 302
    page = client.get(f"/requests/{request.reference}")
    assert page.status_code == 200 and "zmywarka cieknie od wczoraj" in page.get_data(as_text=True)


def test_a_known_customer_gets_the_acknowledgement_without_a_password_link(
    app, db, users, imap_account, mail_to_smtp
):
    add_mailbox(db, imap_account)
    imap_account.deliver(mail())
    fetch_and_welcome(app)
    [request] = all_requests(db)
    [sent] = mail_to_smtp.messages
    assert sent["To"] == "customer@example.com" and f"[{request.reference}]" in sent["Subject"]
    assert "/welcome/" not in sent.get_body(("plain",)).get_content()


def test_a_staff_address_writing_in_is_held_for_an_admin(app, db, users, imap_account):
    add_mailbox(db, imap_account)
    imap_account.deliver(mail(sender="agent@example.com"))
    [report] = fetch_and_welcome(app)
    assert [r.outcome for r in report.results] == ["quarantined"]
    assert all_requests(db) == []


def test_the_history_shows_that_request_and_reply_came_by_email(app, db, users, imap_account, client_as):
    add_mailbox(db, imap_account)
    imap_account.deliver(mail())
    fetch_and_welcome(app)
    [request] = all_requests(db)
    imap_account.deliver(mail(subject=f"Re: [{request.reference}]", body="Any news?\n"))
    fetch_and_welcome(app)

    staff_page = client_as("agent").get(f"/staff/requests/{request.reference}").get_data(as_text=True)
    assert staff_page.count("by email") == 2
    customer_page = client_as("customer").get(f"/requests/{request.reference}").get_data(as_text=True)
    assert customer_page.count("by email") == 2

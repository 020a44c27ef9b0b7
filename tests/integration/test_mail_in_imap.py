# ruff: noqa: F811  (pytest fixtures imported from mail_fixtures are redefined as parameters)
"""Inbound mail against a real Dovecot: requests, threaded replies, duplicates, loops, quarantine."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.mail_ids import new_message_id
from portal.models import (
    Attachment,
    InboundMail,
    MailBounce,
    Mailbox,
    MailSecurity,
    QuarantinedMail,
    RequestStatus,
    ServiceRequest,
)
from tests.integration.mail_builders import PDF, bounce, mail
from tests.integration.mail_fixtures import dovecot_server, imap_account  # noqa: F401 (fixtures)


def add_mailbox(db, account, security=MailSecurity.PLAIN, port=None, **extra) -> Mailbox:
    box = Mailbox(
        name=extra.pop("name", "support"),
        host="127.0.0.1",
        port=port or account.server.imap_port,
        security=security,
        username=account.username,
        password=account.password,
        folder="INBOX",
        support_address="support@shop.example",
        **extra,
    )
    db.add(box)
    db.commit()
    return box


def fetch(app):
    from portal.db import get_session
    from portal.mail_in.fetch import fetch_all

    with app.app_context():
        return fetch_all(get_session(), app.config)


def all_requests(db):
    db.expire_all()
    return db.scalars(select(ServiceRequest).order_by(ServiceRequest.id)).all()


def test_customer_mail_becomes_an_email_request_with_its_files_and_is_then_seen(app, db, users, imap_account):
    add_mailbox(db, imap_account)
    imap_account.deliver(mail(files=[("invoice.pdf", PDF, "application/pdf")], inline_png=True))
    assert imap_account.flags() == [set()]

    [report] = fetch(app)

    assert report.error is None and report.counts() == {"request": 1}
    [request] = all_requests(db)
    assert request.customer.email == "customer@example.com"
    assert request.channel == "email"
    assert request.subject == "The washing machine does not spin"
    assert "stopped spinning yesterday" in request.description
    assert sorted(a.content_type for a in request.attachments) == ["application/pdf", "image/png"]
    assert imap_account.all_seen()


def test_a_second_fetch_finds_nothing_new(app, db, users, imap_account):
    add_mailbox(db, imap_account)
    imap_account.deliver(mail())
    fetch(app)
    [report] = fetch(app)
    assert report.results == []
    assert len(all_requests(db)) == 1


def test_duplicate_delivery_of_one_message_is_stored_once(app, db, users, imap_account):
    add_mailbox(db, imap_account)
    raw = mail(message_id="<same-message@client.example>")
    imap_account.deliver(raw)
    imap_account.deliver(raw)

    [report] = fetch(app)

    assert [r.outcome for r in report.results] == ["request", "duplicate"]
    assert len(all_requests(db)) == 1
    assert imap_account.all_seen()


def test_reply_by_subject_reference_lands_in_the_thread_with_quotes_cut(app, db, users, imap_account):
    add_mailbox(db, imap_account)
    imap_account.deliver(mail())
    fetch(app)
    [request] = all_requests(db)
    reply = (
        "It still does not spin, even after the restart.\n\n"
        "On Mon, 1 Dec 2026 at 10:00, Shopkeeper <support@shop.example> wrote:\n"
        "> Please restart the machine.\n> Regards, Support\n"
    )
    imap_account.deliver(mail(subject=f"Re: [{request.reference}] The washing machine", body=reply))

    [report] = fetch(app)

    assert report.counts() == {"reply": 1}
    assert len(all_requests(db)) == 1
    [message] = request.messages
    assert message.body == "It still does not spin, even after the restart."
    assert message.channel == "email" and message.author.email == "customer@example.com"


def test_reply_to_our_message_id_reopens_a_request_waiting_on_the_customer(app, db, users, imap_account):
    add_mailbox(db, imap_account)
    imap_account.deliver(mail())
    fetch(app)
    [request] = all_requests(db)
    request.status = RequestStatus.WAITING_ON_CUSTOMER
    db.commit()
    ours = new_message_id(app.config["SECRET_KEY"], request.reference, "shop.example")
    imap_account.deliver(
        mail(
            subject="Re: your request",
            body="Here is the photo.\n",
            headers={"In-Reply-To": ours, "References": ours},
        )
    )

    fetch(app)

    db.expire_all()
    assert [m.body for m in request.messages] == ["Here is the photo."]
    assert request.status == RequestStatus.OPEN


def test_a_strangers_mail_never_joins_someone_elses_thread(app, db, users, imap_account):
    add_mailbox(db, imap_account)
    imap_account.deliver(mail())
    fetch(app)
    [request] = all_requests(db)
    ours = new_message_id(app.config["SECRET_KEY"], request.reference, "shop.example")
    imap_account.deliver(
        mail(
            sender="customer2@example.com",
            subject=f"Re: [{request.reference}]",
            body="Let me in.\n",
            headers={"In-Reply-To": ours},
        )
    )

    fetch(app)

    first, second = all_requests(db)
    assert first.messages == []
    assert second.customer.email == "customer2@example.com" and second.description == "Let me in."


def test_a_forged_message_id_does_not_thread(app, db, users, imap_account):
    add_mailbox(db, imap_account)
    imap_account.deliver(mail())
    fetch(app)
    [request] = all_requests(db)
    forged = new_message_id("not-our-secret", request.reference, "shop.example")
    imap_account.deliver(
        mail(subject="Re: hello", body="Another question.\n", headers={"In-Reply-To": forged})
    )
    fetch(app)
    assert len(all_requests(db)) == 2


def test_auto_replies_bounces_and_our_own_mail_create_nothing(app, db, users, imap_account):
    add_mailbox(db, imap_account)
    imap_account.deliver(mail(subject="Out of office", headers={"Auto-Submitted": "auto-replied"}))
    imap_account.deliver(mail(subject="Away", headers={"Precedence": "auto_reply"}))
    imap_account.deliver(mail(subject="Abwesend", headers={"X-Autoreply": "yes"}))
    imap_account.deliver(bounce("gone@example.com", "<SR-2026-000001.aa.bb@shop.example>"))
    imap_account.deliver(mail(sender="Shopkeeper <support@shop.example>", subject="Loop"))

    [report] = fetch(app)

    assert report.counts() == {"auto_reply": 3, "bounce": 1, "own": 1}
    assert all_requests(db) == []
    [recorded] = db.scalars(select(MailBounce)).all()
    assert (recorded.recipient, recorded.action, recorded.status) == ("gone@example.com", "failed", "5.1.1")
    assert recorded.original_message_id == "<SR-2026-000001.aa.bb@shop.example>"
    assert imap_account.all_seen()


def test_broken_mime_is_kept_whole_in_the_quarantine(app, db, users, imap_account):
    add_mailbox(db, imap_account)
    broken = (
        b"From: customer@example.com\r\nSubject: broken\r\nMessage-ID: <broken@client.example>\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="NEVER"\r\n\r\n'
        b"there is no boundary in this body at all\r\n"
    )
    imap_account.deliver(broken)

    [report] = fetch(app)

    assert report.counts() == {"quarantined": 1}
    [held] = db.scalars(select(QuarantinedMail)).all()
    assert "StartBoundaryNotFoundDefect" in held.reason or "Boundary" in held.reason
    stored = Path(app.config["INSTANCE_PATH"]) / "mail-quarantine" / held.stored_name
    assert stored.read_bytes().replace(b"\r\n", b"\n") == broken.replace(b"\r\n", b"\n")
    assert all_requests(db) == []
    assert imap_account.all_seen()


def test_a_mail_storm_from_one_sender_is_held_by_the_rate_limit(app, db, users, imap_account):
    add_mailbox(db, imap_account)
    app.config["MAIL_SENDER_MAX_PER_HOUR"], previous = 2, app.config["MAIL_SENDER_MAX_PER_HOUR"]
    try:
        for n in range(4):
            imap_account.deliver(mail(subject=f"Storm {n}"))
        [report] = fetch(app)
    finally:
        app.config["MAIL_SENDER_MAX_PER_HOUR"] = previous
    assert [r.outcome for r in report.results] == ["request", "request", "quarantined", "quarantined"]
    assert len(all_requests(db)) == 2
    assert len(db.scalars(select(QuarantinedMail)).all()) == 2


@pytest.mark.parametrize("security", [MailSecurity.STARTTLS, MailSecurity.TLS])
def test_fetch_over_starttls_and_tls_verifies_the_server_certificate(app, db, users, imap_account, security):
    port = imap_account.server.imaps_port if security == MailSecurity.TLS else imap_account.server.imap_port
    add_mailbox(db, imap_account, security=security, port=port)
    imap_account.deliver(mail())

    [refused] = fetch(app)  # the self-signed certificate is not trusted yet
    assert "CERTIFICATE_VERIFY_FAILED" in (refused.error or "")
    assert imap_account.flags() == [set()]

    app.config["MAIL_IMAP_CA_FILE"] = str(imap_account.server.ca_file)
    try:
        [report] = fetch(app)
    finally:
        app.config["MAIL_IMAP_CA_FILE"] = None
    assert report.error is None and report.counts() == {"request": 1}
    assert imap_account.all_seen()


def test_a_wrong_password_is_reported_without_the_password_and_leaves_mail_unseen(
    app, db, users, imap_account
):
    box = add_mailbox(db, imap_account)
    box.password = "wrong-password-123"
    db.commit()
    imap_account.deliver(mail())

    [report] = fetch(app)

    assert report.error and "wrong-password-123" not in report.error
    db.expire_all()
    assert db.get(Mailbox, box.id).last_error == report.error
    assert imap_account.flags() == [set()]
    assert all_requests(db) == []


def test_plain_imap_to_another_machine_is_refused(app, db, users, imap_account):
    box = add_mailbox(db, imap_account)
    box.host = "imap.example.com"
    db.commit()
    [report] = fetch(app)
    assert "only allowed to this machine" in report.error


def test_inline_images_and_refused_files_are_accounted_for(app, db, users, imap_account):
    add_mailbox(db, imap_account)
    imap_account.deliver(
        mail(files=[("setup.exe", b"MZ\x90\x00" + bytes(200), "application/octet-stream")], inline_png=True)
    )
    fetch(app)
    [request] = all_requests(db)
    assert [a.content_type for a in request.attachments] == ["image/png"]
    assert "setup.exe" in request.description and "not accepted" in request.description
    assert db.scalar(select(func.count(Attachment.id))) == 1
    assert db.scalar(select(func.count(InboundMail.id))) == 1


def test_admin_tests_the_connection_without_taking_mail_in(app, db, users, imap_account, client_as):
    from tests.conftest import csrf_token

    box = add_mailbox(db, imap_account)
    imap_account.deliver(mail())
    admin = client_as("admin")
    url = f"/admin/mailboxes/{box.id}"
    response = admin.post(f"{url}/check", data={"csrf_token": csrf_token(admin, url)}, follow_redirects=True)
    assert "1 new message(s) waiting" in response.get_data(as_text=True)
    assert imap_account.flags() == [set()] and all_requests(db) == []

    box.password = "wrong-password-123"
    db.commit()
    response = admin.post(f"{url}/check", data={"csrf_token": csrf_token(admin, url)}, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "cannot be read" in text and "wrong-password-123" not in text


def test_a_second_fetcher_skips_a_mailbox_another_one_is_reading(app, db, users, imap_account):
    from portal.mail_in.locks import mailbox_lock

    box = add_mailbox(db, imap_account)
    imap_account.deliver(mail())
    with mailbox_lock(app.extensions["db_engine"], app.config, box.id) as mine:
        assert mine
        [report] = fetch(app)
    assert report.busy and report.results == [] and all_requests(db) == []
    [report] = fetch(app)  # the lock is free again
    assert not report.busy and report.counts() == {"request": 1}

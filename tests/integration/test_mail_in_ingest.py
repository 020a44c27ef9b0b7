"""Ingestion rules that need no IMAP server: long mails, closed requests, forged senders, CLI exit codes."""

from __future__ import annotations

from sqlalchemy import select

from portal.models import InboundMail, QuarantinedMail, RequestStatus, ServiceRequest
from tests.integration.mail_builders import mail


def process(app, raw):
    from portal.db import get_session
    from portal.mail_in.ingest import process as run

    with app.app_context():
        return run(get_session(), raw, app.config)


def test_a_text_longer_than_a_message_is_cut_and_kept_whole_as_an_attachment(app, db, users):
    long_text = "The pump makes a noise. " * 1500  # 36,000 characters
    result = process(app, mail(body=long_text))
    assert result.outcome == "request"
    request = db.scalar(select(ServiceRequest))
    assert len(request.description) <= app.config["MESSAGE_MAX_CHARS"]
    [whole] = request.attachments
    assert whole.original_name == "message.txt" and whole.size == len(long_text.strip().encode())


def test_a_reply_to_a_closed_request_starts_a_new_one(app, db, users):
    first = process(app, mail())
    request = db.scalar(select(ServiceRequest))
    request.status = RequestStatus.CLOSED
    db.commit()
    second = process(app, mail(subject=f"Re: [{first.reference}] still broken", body="It broke again.\n"))
    assert second.outcome == "request" and second.reference != first.reference
    db.expire_all()
    assert request.messages == []
    follow_up = db.scalar(select(ServiceRequest).where(ServiceRequest.reference == second.reference))
    assert follow_up.subject == "still broken"
    assert follow_up.follows_up_id == request.id  # linked, so both pages and histories show it
    assert [e.kind for e in request.events if e.kind == "followed_up"] == ["followed_up"]


def test_a_sender_that_failed_dmarc_is_held_not_threaded(app, db, users):
    first = process(app, mail())
    forged = mail(
        subject=f"Re: [{first.reference}]",
        body="Please send the refund to my new account.\n",
        headers={"Authentication-Results": "mx.shop.example; spf=fail smtp.mailfrom=example.com; dmarc=fail"},
    )
    result = process(app, forged)
    assert result.outcome == "quarantined"
    db.expire_all()
    assert db.scalar(select(ServiceRequest)).messages == []
    assert "DMARC" in db.scalar(select(QuarantinedMail)).reason


def test_dmarc_pass_is_taken_in(app, db, users):
    result = process(app, mail(headers={"Authentication-Results": "mx.shop.example; dmarc=pass"}))
    assert result.outcome == "request"
    assert db.scalar(select(InboundMail)).outcome.value == "request"


def test_portal_mail_fetch_exits_1_when_a_mailbox_cannot_be_read(app, db, users):
    from portal.models import Mailbox, MailSecurity
    from tests.conftest import free_port

    db.add(
        Mailbox(
            name="down",
            host="127.0.0.1",
            port=free_port(),
            security=MailSecurity.PLAIN,
            username="u",
            password="p",
            folder="INBOX",
            support_address="support@shop.example",
        )
    )
    db.commit()
    result = app.test_cli_runner().invoke(args=["mail", "fetch"])
    assert result.exit_code == 1
    assert "cannot connect" in result.output

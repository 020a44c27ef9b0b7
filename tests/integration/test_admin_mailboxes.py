"""Admin pages for mailboxes and the quarantine: CRUD, audit, password never shown, retry, download."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from portal.models import AuditLog, Mailbox, MailSecurity, QuarantinedMail, ServiceRequest
from tests.conftest import csrf_token
from tests.integration.mail_builders import mail

SECRET = "imap-Secret-Value-987"


def form(**changes):
    data = {
        "name": "support",
        "support_address": "support@shop.example",
        "host": "imap.shop.example",
        "port": "993",
        "security": "tls",
        "username": "support@shop.example",
        "password": SECRET,
        "folder": "INBOX",
        "default_category": "",
        "default_priority": "high",
        "is_active": "y",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def post(client, url, data):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, url)})


def test_admin_adds_edits_and_deletes_a_mailbox_and_every_step_is_audited(app, db, client_as):
    admin = client_as("admin")
    assert post(admin, "/admin/mailboxes/new", form()).status_code == 302
    box = db.scalar(select(Mailbox))
    assert (box.host, box.security, box.password, box.default_priority.value) == (
        "imap.shop.example",
        MailSecurity.TLS,
        SECRET,
        "high",
    )
    page = admin.get(f"/admin/mailboxes/{box.id}").get_data(as_text=True)
    assert SECRET not in page  # the stored password is never sent back
    assert "support@shop.example" in admin.get("/admin/mailboxes").get_data(as_text=True)

    assert post(admin, f"/admin/mailboxes/{box.id}", form(password="", port="995")).status_code == 302
    db.expire_all()
    assert (box.port, box.password) == (995, SECRET)  # an empty password keeps the stored one

    assert post(admin, f"/admin/mailboxes/{box.id}/delete", {}).status_code == 302
    assert db.scalar(select(Mailbox)) is None
    entries = db.scalars(
        select(AuditLog).where(AuditLog.action.like("mailbox.%")).order_by(AuditLog.id)
    ).all()
    assert [e.action for e in entries] == ["mailbox.created", "mailbox.updated", "mailbox.deleted"]
    assert entries[1].details["changed"] == ["port"] and entries[1].details["password_changed"] is False
    assert all(SECRET not in str(e.details) for e in entries)


def test_unencrypted_imap_to_another_machine_is_refused_and_the_form_keeps_the_input(app, db, client_as):
    admin = client_as("admin")
    response = post(admin, "/admin/mailboxes/new", form(security="plain", port="143"))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "only allowed to a mail server on this machine" in text
    assert 'value="imap.shop.example"' in text
    assert db.scalar(select(Mailbox)) is None
    assert post(admin, "/admin/mailboxes/new", form(security="plain", host="127.0.0.1")).status_code == 302


def test_two_mailboxes_cannot_share_a_name(app, db, client_as):
    admin = client_as("admin")
    post(admin, "/admin/mailboxes/new", form())
    response = post(admin, "/admin/mailboxes/new", form())
    assert response.status_code == 200 and "Another mailbox has this name" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["customer", "agent", "marketer"])
def test_only_admins_reach_the_mailbox_pages(app, db, client_as, role):
    other = client_as(role)
    for url in ("/admin/mailboxes", "/admin/mailboxes/new", "/admin/mailboxes/quarantine"):
        assert other.get(url).status_code in (403, 404)


def quarantine_one(app, db, raw):
    from portal.db import get_session
    from portal.mail_in.ingest import process

    with app.app_context():
        result = process(get_session(), raw, app.config)
    assert result.outcome == "quarantined"
    return db.scalar(select(QuarantinedMail))


def test_admin_sees_the_reason_downloads_the_raw_mail_and_retries_it(app, db, users, client_as):
    app.config["MAIL_SENDER_MAX_PER_HOUR"], previous = 0, app.config["MAIL_SENDER_MAX_PER_HOUR"]
    try:
        raw = mail(subject="Held by the limit")
        record = quarantine_one(app, db, raw)
    finally:
        app.config["MAIL_SENDER_MAX_PER_HOUR"] = previous
    admin = client_as("admin")
    assert "Rate limit" in admin.get("/admin/mailboxes/quarantine").get_data(as_text=True)
    assert "Rate limit" in admin.get(f"/admin/mailboxes/quarantine/{record.id}").get_data(as_text=True)
    download = admin.get(f"/admin/mailboxes/quarantine/{record.id}/raw")
    assert download.status_code == 200 and download.data == raw
    assert download.headers["Content-Type"] == "application/octet-stream"
    assert "attachment" in download.headers["Content-Disposition"]

    assert post(admin, f"/admin/mailboxes/quarantine/{record.id}/retry", {}).status_code == 302

    db.expire_all()
    assert [r.subject for r in db.scalars(select(ServiceRequest))] == ["Held by the limit"]
    assert record.resolved_at is not None
    assert "No message is held" in admin.get("/admin/mailboxes/quarantine").get_data(as_text=True)
    actions = set(db.scalars(select(AuditLog.action)))
    assert {"mail.quarantine_downloaded", "mail.quarantine_retried"} <= actions


def test_a_retry_that_fails_again_keeps_one_record_with_the_new_reason(app, db, users, client_as):
    record = quarantine_one(app, db, b"From: nobody\r\nSubject: no address\r\n\r\nbody\r\n")
    admin = client_as("admin")
    post(admin, f"/admin/mailboxes/quarantine/{record.id}/retry", {})
    db.expire_all()
    assert len(db.scalars(select(QuarantinedMail)).all()) == 1
    assert record.resolved_at is None
    assert len(list((Path(app.config["INSTANCE_PATH"]) / "mail-quarantine").glob("*.eml"))) >= 1


def test_admin_dismisses_a_held_message(app, db, users, client_as):
    record = quarantine_one(app, db, b"\r\n")
    admin = client_as("admin")
    assert post(admin, f"/admin/mailboxes/quarantine/{record.id}/dismiss", {}).status_code == 302
    db.expire_all()
    assert record.resolved_at is not None

# ruff: noqa: F811  (pytest fixtures imported from mail_fixtures are redefined as parameters)
"""Hardening of the mail channel: header injection, hostile MIME, oversized mail."""

from __future__ import annotations

from sqlalchemy import select

from portal.models import QuarantinedMail
from tests.integration.mail_builders import mail
from tests.integration.mail_fixtures import dovecot_server, imap_account  # noqa: F401 (fixtures)
from tests.integration.requests_helpers import catalog, post_new
from tests.integration.test_mail_in_imap import add_mailbox, all_requests, fetch

HEAD = b"From: a@example.org\r\nTo: support@shop.example\r\nSubject: %s\r\nMessage-ID: <%s@evil.example>\r\n"


def nested_multipart(depth: int) -> bytes:
    """A mail whose parts nest `depth` levels deep (a MIME bomb)."""
    opening = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i) for i in range(depth)
    )
    closing = b"".join(b"\r\n--b%d--\r\n" % i for i in reversed(range(depth)))
    return HEAD % (b"deep", b"deep") + opening + b"Content-Type: text/plain\r\n\r\nhello" + closing


def countless_parts(count: int) -> bytes:
    """A mail of `count` tiny parts."""
    parts = b"".join(b"--B\r\nContent-Type: text/plain\r\n\r\npart %d\r\n" % i for i in range(count))
    return (
        HEAD % (b"wide", b"wide")
        + b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n'
        + parts
        + b"--B--\r\n"
    )


def nested_messages(depth: int) -> bytes:
    """A mail forwarding a mail forwarding a mail ... `depth` times (deep enough to exhaust recursion)."""
    inner = b"From: a@example.org\r\nSubject: in\r\n\r\nhello\r\n"
    for _ in range(depth):
        inner = b"From: a@example.org\r\nMIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\n" + inner
    return inner


def test_a_subject_with_line_breaks_cannot_add_headers_to_our_mails(app, db, users, client_as, mail_to_smtp):
    catalog(db)
    db.commit()
    response = post_new(client_as("customer"), subject="Washer\r\nBcc: victim@evil.example")
    assert response.status_code == 302
    [sent] = mail_to_smtp.messages
    assert sent["Bcc"] is None and "\n" not in sent["Subject"] and "Washer Bcc:" in sent["Subject"]


def test_hostile_mime_goes_to_quarantine_and_the_fetch_goes_on(app, db, users, imap_account):
    add_mailbox(db, imap_account)
    for raw in (nested_multipart(60), countless_parts(2000), nested_messages(1500), mail()):
        imap_account.deliver(raw)

    [report] = fetch(app)

    assert report.error is None
    assert [r.outcome for r in report.results] == ["quarantined"] * 3 + ["request"]
    reasons = db.scalars(select(QuarantinedMail.reason).order_by(QuarantinedMail.id)).all()
    assert "nested deeper than" in reasons[0] and "More than 500 MIME parts" in reasons[1]
    assert len(all_requests(db)) == 1
    assert imap_account.all_seen()


def test_a_sender_name_hiding_a_line_break_is_quarantined_not_raised(app, db, users):
    from portal.db import get_session
    from portal.mail_in.ingest import process

    raw = b"From: =?utf-8?q?Jan=0D=0ABcc:_x@evil.example?= <a@example.org>\r\nSubject: x\r\n\r\nhi\r\n"
    with app.app_context():
        result = process(get_session(), raw, app.config)
    assert result.outcome == "quarantined" and "sender" in result.detail
    assert all_requests(db) == []


def test_mail_over_the_size_limit_is_kept_whole_in_quarantine_unread(app, db, users):
    from portal.db import get_session
    from portal.mail_in.ingest import process, quarantine_folder

    app.config["MAIL_MAX_BYTES"] = 20_000
    raw = mail(body="x" * 30_000)
    with app.app_context():
        result = process(get_session(), raw, app.config)
    assert result.outcome == "quarantined" and "larger than" in result.detail
    record = db.scalar(select(QuarantinedMail))
    assert (quarantine_folder(app.config) / record.stored_name).read_bytes() == raw
    assert all_requests(db) == []


def test_a_message_that_breaks_the_parser_itself_is_still_quarantined(app, db, users, monkeypatch):
    """The failure path parses again for the admin's list; that must not raise in turn."""
    from portal.db import get_session
    from portal.mail_in import ingest

    def exploding_parser(raw):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(ingest, "parse_mail", exploding_parser)  # no real message reaches this today
    with app.app_context():
        result = ingest.process(get_session(), mail(), app.config)
    assert result.outcome == "quarantined" and "RecursionError" in result.detail
    assert db.scalar(select(QuarantinedMail)) is not None


def test_new_guests_from_mail_are_capped_per_hour_so_forged_senders_cannot_spam(
    app, db, users, imap_account, mail_to_smtp
):
    app.config["MAIL_GUESTS_MAX_PER_HOUR"] = 2
    add_mailbox(db, imap_account)
    for n in range(3):
        imap_account.deliver(mail(sender=f"stranger{n}@example.org"))
    imap_account.deliver(mail())  # a known customer is not a new guest

    [report] = fetch(app)

    assert [r.outcome for r in report.results] == ["request", "request", "quarantined", "request"]
    assert "too many new senders" in report.results[2].detail
    assert sorted(m["To"] for m in mail_to_smtp.messages) == [
        "customer@example.com",
        "stranger0@example.org",
        "stranger1@example.org",
    ]

"""Automatic mail, bounces and our own mail are recognised and never become requests."""

from __future__ import annotations

from portal.mail_ids import new_message_id
from portal.mail_in.loops import auto_reply_reason, bounces, is_own_mail
from portal.mail_in.parse import parse_mail
from tests.integration.mail_builders import bounce, mail


def parsed(**kwargs):
    return parse_mail(mail(**kwargs))


def test_rfc3834_and_vendor_auto_reply_headers():
    assert auto_reply_reason(parsed(headers={"Auto-Submitted": "auto-replied"}))
    assert auto_reply_reason(parsed(headers={"Auto-Submitted": "auto-generated"}))
    assert auto_reply_reason(parsed(headers={"Precedence": "bulk"}))
    assert auto_reply_reason(parsed(headers={"Precedence": "auto_reply"}))
    assert auto_reply_reason(parsed(headers={"X-Autoreply": "yes"}))
    assert auto_reply_reason(parsed(headers={"Auto-Submitted": "no"})) is None
    assert auto_reply_reason(parsed()) is None


def test_a_dsn_names_the_failed_recipient_and_our_message():
    [found] = bounces(parse_mail(bounce("gone@example.com", "<x@shop.example>")))
    assert (found.recipient, found.action, found.status) == ("gone@example.com", "failed", "5.1.1")
    assert found.original_message_id == "<x@shop.example>"


def test_a_customer_writing_about_an_undelivered_parcel_is_not_a_bounce():
    assert (
        bounces(parsed(subject="Undelivered parcel", headers={"X-Failed-Recipients": "a@example.com"}))
        is None
    )


def test_a_mailer_daemon_bounce_without_dsn_still_counts():
    found = bounces(
        parsed(
            sender="MAILER-DAEMON@mx.example",
            subject="failure notice",
            headers={"X-Failed-Recipients": "b@x.example"},
        )
    )
    assert [b.recipient for b in found] == ["b@x.example"]


def test_our_own_address_and_our_signed_message_ids_are_ours():
    assert is_own_mail(parsed(sender="Support <SUPPORT@shop.example>"), ["support@shop.example"], "s")
    ours = new_message_id("secret", "SR-2026-000001", "shop.example")
    assert is_own_mail(parsed(message_id=ours), [], "secret")
    assert not is_own_mail(parsed(message_id=ours), [], "other-secret")
    assert not is_own_mail(parsed(), ["support@shop.example"], "secret")

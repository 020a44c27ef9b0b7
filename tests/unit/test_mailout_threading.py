"""Mail threading helpers and outbox backoff, without an app."""

from datetime import timedelta

from portal.mail_ids import new_message_id, reference_from_message_id
from portal.mailout.outbox import MAX_BACKOFF, backoff
from portal.mailout.threading import reply_to, tagged_subject


def test_subjects_start_with_the_reference_in_brackets():
    assert tagged_subject("SR-2026-000123", "New reply: Washer") == "[SR-2026-000123] New reply: Washer"


def test_reply_to_is_the_support_address_or_its_plus_address():
    config = {"SUPPORT_ADDRESS": "help@shop.example", "SUPPORT_PLUS_ADDRESS": False}
    assert reply_to(config, "SR-2026-000001") == "help@shop.example"
    config["SUPPORT_PLUS_ADDRESS"] = True
    assert reply_to(config, "SR-2026-000001") == "help+SR-2026-000001@shop.example"


def test_signed_ids_round_trip_and_resist_tampering():
    message_id = new_message_id("k" * 40, "SR-2026-000007", "shop.example")
    assert reference_from_message_id("k" * 40, message_id) == "SR-2026-000007"
    assert reference_from_message_id("k" * 40, message_id.replace("000007", "000008")) is None


def test_backoff_grows_and_is_capped():
    waits = [backoff(n, 30) for n in range(1, 6)]
    assert waits == [timedelta(seconds=s) for s in (30, 60, 120, 240, 480)]
    assert backoff(50, 30) == MAX_BACKOFF


def test_a_subject_is_always_one_header_line():
    from portal.mailout.threading import tagged_subject

    assert tagged_subject("SR-2026-000001", "Washer\r\nBcc: x@evil.example\n") == (
        "[SR-2026-000001] Washer Bcc: x@evil.example"
    )

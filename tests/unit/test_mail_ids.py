"""Message-IDs we send carry their request's reference, signed so that nobody can forge one."""

from portal import mail_ids

SECRET = "test-secret"


def test_a_message_id_we_sent_names_its_request():
    message_id = mail_ids.new_message_id(SECRET, "SR-2026-000123", "support.example.com")
    assert message_id.startswith("<SR-2026-000123.") and message_id.endswith("@support.example.com>")
    assert mail_ids.reference_from_message_id(SECRET, message_id) == "SR-2026-000123"


def test_forged_or_foreign_ids_name_nothing():
    message_id = mail_ids.new_message_id(SECRET, "SR-2026-000123", "example.com")
    forged = message_id.replace("SR-2026-000123", "SR-2026-000124")
    assert mail_ids.reference_from_message_id(SECRET, forged) is None
    assert mail_ids.reference_from_message_id("another-secret", message_id) is None
    assert mail_ids.reference_from_message_id(SECRET, "<CAF=abc@mail.gmail.com>") is None


def test_a_reply_is_threaded_by_the_newest_id_of_ours_it_names():
    first = mail_ids.new_message_id(SECRET, "SR-2026-000001", "example.com")
    second = mail_ids.new_message_id(SECRET, "SR-2026-000002", "example.com")
    references = f"{first} <x@elsewhere.example> {second}"
    assert mail_ids.referenced_request(SECRET, "<x@elsewhere.example>", references) == "SR-2026-000002"
    assert mail_ids.referenced_request(SECRET, first, None) == "SR-2026-000001"
    assert mail_ids.referenced_request(SECRET, None, None) is None

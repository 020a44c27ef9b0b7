"""The webhook signature (the receiver's recipe) and the subscription URL rules, without an app."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from knowledge_base.errors import FieldError
from portal.webhooks import sign, verify_signature
from portal.webhooks.delivery import RETRY_DELAYS, body_bytes
from portal.webhooks.services import check_events, check_url

SECRET = "whsec_unit"
BODY = body_bytes({"event": "ping", "id": "abc", "data": {"ü": 1}})


def test_sign_is_hmac_sha256_of_timestamp_dot_body():
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, 1700000000, BODY) == f"sha256={expected}"


def test_verify_accepts_the_signature_and_refuses_changes():
    signature = sign(SECRET, "1700000000", BODY)
    assert verify_signature(SECRET, BODY, "1700000000", signature, now=1700000100)
    assert not verify_signature(SECRET, BODY + b" ", "1700000000", signature, now=1700000100)
    assert not verify_signature("whsec_other", BODY, "1700000000", signature, now=1700000100)
    assert not verify_signature(SECRET, BODY, "1700000001", signature, now=1700000100)
    assert not verify_signature(
        SECRET, BODY, "1700000000", signature.replace("sha256=", "sha1="), now=1700000100
    )


@pytest.mark.parametrize("timestamp", [None, "", "-5", "17e8", "1700000000.5"])
def test_verify_refuses_missing_or_malformed_timestamps(timestamp):
    assert not verify_signature(SECRET, BODY, timestamp, sign(SECRET, "1700000000", BODY), now=1700000000)


def test_verify_refuses_stale_and_future_timestamps():
    signature = sign(SECRET, "1700000000", BODY)
    assert verify_signature(SECRET, BODY, "1700000000", signature, now=1700000300)
    assert not verify_signature(SECRET, BODY, "1700000000", signature, now=1700000301)
    assert not verify_signature(SECRET, BODY, "1700000000", signature, now=1699999699)


def test_body_is_compact_sorted_utf8_json():
    assert body_bytes({"b": 1, "a": "ż"}) == '{"a":"ż","b":1}'.encode()


def test_backoff_grows_and_lasts_past_a_day():
    assert list(RETRY_DELAYS) == sorted(RETRY_DELAYS) and RETRY_DELAYS[0] == 60
    assert sum(RETRY_DELAYS) > 24 * 3600


@pytest.mark.parametrize(
    "url",
    ["https://crm.example.com/hooks", "http://10.0.0.5:8080/in", "https://[::1]:9000/x?token=a"],
)
def test_good_urls(url):
    assert check_url(f"  {url} ") == url


@pytest.mark.parametrize(
    "url",
    [
        "",
        "ftp://crm.example.com/",
        "javascript:alert(1)",
        "https://",
        "https://user:secret@crm.example.com/",
        "https://user@crm.example.com/",
        "https://crm.example.com/a b",
        "https://crm.example.com:99999/",
        "//crm.example.com/x",
        "https://" + "a" * 500 + ".com",
    ],
)
def test_bad_urls(url):
    with pytest.raises(FieldError):
        check_url(url)


def test_events_are_checked_and_ordered():
    assert check_events(["message.created", "request.created"]) == ["request.created", "message.created"]
    for bad in ([], ["ping"], ["request.created", "user.deleted"]):
        with pytest.raises(FieldError):
            check_events(bad)

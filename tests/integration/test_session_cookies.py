"""Each worker verifies a session cookie once and remembers it; expiry, tampering and a new
secret key are still refused."""

from __future__ import annotations

from datetime import timedelta

from flask import request

from portal import session_cookies


def _verifications(app, monkeypatch) -> list[str]:
    """Every full verification of a cookie from now on (the serializer's `loads`)."""
    seen: list[str] = []
    serializer = app.session_interface.get_signing_serializer(app)
    loads = serializer.loads

    def counting(value, *args, **kwargs):
        seen.append(value)
        return loads(value, *args, **kwargs)

    monkeypatch.setattr(serializer, "loads", counting)
    return seen


def test_a_cookie_is_verified_once_per_worker(app, client_as, users, monkeypatch):
    customer = client_as("customer")
    customer.get("/requests")
    seen = _verifications(app, monkeypatch)
    for _ in range(3):
        assert customer.get("/requests").status_code == 200
    assert len(seen) <= 1  # the cookie after the first page, verified once


def test_each_request_gets_its_own_copy_of_a_remembered_session(app, client, db):
    from tests.conftest import csrf_token
    from tests.integration.kb_helpers import publish_article

    article = publish_article(app, db)
    token = csrf_token(client, "/kb/en/a/router-tips")
    client.post("/kb/en/a/router-tips/feedback", data={"csrf_token": token, "helpful": "yes"})
    cookie = f"session={client.get_cookie('session').value}"
    with app.test_request_context(headers={"Cookie": cookie}):
        first = app.session_interface.open_session(app, request._get_current_object())
        first["kb_voted"].append(12345)  # changed in place by one request
        second = app.session_interface.open_session(app, request._get_current_object())
    assert second["kb_voted"] == [article.id]


def test_a_remembered_cookie_still_expires(app, client_as, users, monkeypatch):
    customer = client_as("customer")
    assert customer.get("/requests").status_code == 200
    assert customer.get("/requests").status_code == 200  # remembered now
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=1)
    later = session_cookies.time.time() + 2 * 3600
    monkeypatch.setattr(session_cookies.time, "time", lambda: later)
    assert customer.get("/requests").status_code == 302  # to the login page


def test_an_altered_cookie_is_refused(app, client_as, users):
    customer = client_as("customer")
    customer.get("/requests")
    value = customer.get_cookie("session").value
    forged = app.test_client()
    forged.set_cookie("session", value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert forged.get("/requests").status_code == 302


def test_a_new_secret_key_does_not_trust_cookies_verified_with_the_old_one(app, client_as, users):
    customer = client_as("customer")
    customer.get("/requests")
    assert customer.get("/requests").status_code == 200
    app.config["SECRET_KEY"] = "another-secret-key-that-is-long-enough-9876543210"
    try:
        assert customer.get("/requests").status_code == 302
    finally:
        app.config["SECRET_KEY"] = "test-secret-key-that-is-long-enough-0123456789"

"""API authentication: bearer tokens only, scopes, expiry, revocation, rate limits, the token UI."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.models import ApiToken, AuditLog
from tests.conftest import csrf_token
from tests.integration.api_helpers import bearer, expire, make_token
from tests.integration.requests_helpers import make_request


def test_no_token_is_401_with_a_bearer_challenge(client, users):
    response = client.get("/api/v1/requests")
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.headers["WWW-Authenticate"].lower().startswith("bearer")


def test_a_logged_in_session_cookie_alone_gets_401(client_as):
    customer = client_as("customer")
    assert customer.get("/requests").status_code == 200  # the cookie works on the web
    assert customer.get("/api/v1/requests").status_code == 401
    created = customer.post("/api/v1/requests", json={"subject": "x", "description": "y"})
    assert created.status_code == 401


def test_unknown_and_malformed_tokens_are_401(app, db, users, client):
    secret = make_token(app, db, users["customer"])
    tampered = secret[:-2] + ("AA" if not secret.endswith("AA") else "BB")
    for value in (tampered, "shk_000000000000_nothing", "garbage", ""):
        assert client.get("/api/v1/requests", headers=bearer(value)).status_code == 401, value
    assert client.get("/api/v1/requests", headers=bearer(secret)).status_code == 200


def test_expired_token_is_401(app, db, users, client):
    secret = make_token(app, db, users["customer"])
    assert client.get("/api/v1/requests", headers=bearer(secret)).status_code == 200
    expire(db, secret)
    assert client.get("/api/v1/requests", headers=bearer(secret)).status_code == 401


def test_revoked_token_is_401(app, db, users, client_as):
    secret = make_token(app, db, users["customer"])
    web = client_as("customer")
    token = db.scalar(select(ApiToken))
    revoked = web.post(f"/account/tokens/{token.id}/revoke", data={"csrf_token": csrf_token(web, "/account")})
    assert revoked.status_code == 302
    assert web.get("/api/v1/requests", headers=bearer(secret)).status_code == 401
    audit = db.scalar(select(AuditLog).where(AuditLog.action == "api_token.revoked"))
    assert audit is not None and audit.actor_id == users["customer"].id


def test_a_deactivated_owner_token_is_401(app, db, users, client):
    secret = make_token(app, db, users["customer"])
    users["customer"].is_active = False
    db.commit()
    assert client.get("/api/v1/requests", headers=bearer(secret)).status_code == 401


def test_token_without_the_scope_is_403(app, db, users, client):
    reader = make_token(app, db, users["customer"], scopes=["requests:read"])
    assert client.get("/api/v1/requests", headers=bearer(reader)).status_code == 200
    write = client.post("/api/v1/requests", json={"subject": "x", "description": "y"}, headers=bearer(reader))
    assert write.status_code == 403
    assert "requests:write" in write.json["detail"]
    assert client.get("/api/v1/categories", headers=bearer(reader)).status_code == 403


def test_role_still_limits_what_a_token_does(app, db, users, client):
    customer = make_token(app, db, users["customer"])
    assert client.get("/api/v1/customers", headers=bearer(customer)).status_code == 403
    assert client.get("/api/v1/kpis", headers=bearer(customer)).status_code == 403
    assert client.get("/api/v1/suggestions", headers=bearer(customer)).status_code == 403
    agent = make_token(app, db, users["agent"])
    assert client.get("/api/v1/customers", headers=bearer(agent)).status_code == 200
    assert client.get("/api/v1/offers", headers=bearer(agent)).status_code == 403


def test_rate_limit_is_per_token(app, db, users, client):
    first = make_token(app, db, users["customer"])
    second = make_token(app, db, users["customer"])
    previous = app.config["API_RATE_LIMIT"]
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [client.get("/api/v1/requests", headers=bearer(first)).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = client.get("/api/v1/requests", headers=bearer(first))
        assert limited.content_type == "application/problem+json"
        assert client.get("/api/v1/requests", headers=bearer(second)).status_code == 200
    finally:
        app.config["API_RATE_LIMIT"] = previous


def test_last_use_is_recorded(app, db, users, client):
    secret = make_token(app, db, users["customer"])
    client.get("/api/v1/requests", headers=bearer(secret))
    db.expire_all()
    assert db.scalar(select(ApiToken)).last_used_at is not None


def test_token_is_shown_once_stored_hashed_and_audited(app, db, users, client_as):
    web = client_as("customer")
    page = web.post(
        "/account/tokens",
        data={
            "csrf_token": csrf_token(web, "/account"),
            "token-name": "CRM sync",
            "token-scopes": ["requests:read", "requests:write"],
            "token-days": "30",
        },
    )
    assert page.status_code == 200
    secret = re.search(r"shk_[0-9a-f]{12}_[A-Za-z0-9_-]+", page.get_data(as_text=True)).group(0)
    stored = db.scalar(select(ApiToken))
    assert secret not in (stored.secret_hash, stored.prefix) and len(stored.secret_hash) == 64
    assert stored.scopes == ["requests:read", "requests:write"]
    assert secret not in web.get("/account").get_data(as_text=True)  # shown once
    mine = make_request(app, db, users["customer"])
    assert web.get(f"/api/v1/requests/{mine.reference}", headers=bearer(secret)).status_code == 200
    assert db.scalar(select(AuditLog).where(AuditLog.action == "api_token.created")) is not None


def test_token_form_needs_csrf_and_refuses_scopes_beyond_the_role(app, db, users, client_as):
    web = client_as("customer")
    no_csrf = web.post(
        "/account/tokens", data={"token-name": "x", "token-scopes": ["requests:read"], "token-days": "30"}
    )
    assert no_csrf.status_code == 400
    too_much = web.post(
        "/account/tokens",
        data={
            "csrf_token": csrf_token(web, "/account"),
            "token-name": "x",
            "token-scopes": ["customers:read"],
            "token-days": "30",
        },
    )
    assert too_much.status_code == 400
    assert db.scalar(select(ApiToken)) is None


def test_nobody_revokes_someone_elses_token(app, db, users, client_as):
    make_token(app, db, users["customer2"])
    token = db.scalar(select(ApiToken))
    web = client_as("customer")
    response = web.post(
        f"/account/tokens/{token.id}/revoke", data={"csrf_token": csrf_token(web, "/account")}
    )
    assert response.status_code == 404
    db.expire_all()
    assert db.scalar(select(ApiToken)).revoked_at is None


def test_the_webs_per_customer_request_limit_holds_through_the_api(app, db, users, client):
    first = make_token(app, db, users["customer"])
    second = make_token(app, db, users["customer"])  # a second token does not reset the quota
    previous = app.config["REQUEST_RATE_LIMIT"]
    app.config["REQUEST_RATE_LIMIT"] = "2 per minute"
    try:
        body = {"subject": "x", "description": "y"}
        codes = [
            client.post("/api/v1/requests", json=body, headers=bearer(t)).status_code
            for t in (first, second, second)
        ]
        assert codes == [201, 201, 429]
    finally:
        app.config["REQUEST_RATE_LIMIT"] = previous

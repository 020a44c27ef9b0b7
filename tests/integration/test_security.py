"""CSRF, rate limits, headers, enumeration, role gates, deactivation, production start-up."""

import pytest
from sqlalchemy import select

from portal import create_app
from portal.config import ConfigurationError
from portal.models import AuditLog, User
from portal.security import is_safe_redirect
from tests.conftest import CSRF_RE, TEST_PASSWORD, AuthActions, csrf_token


def test_post_without_csrf_token_is_rejected(client, users):
    response = client.post("/login", data={"email": "customer@example.com", "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True)


def test_csrf_protects_logged_in_forms(client_as):
    client = client_as("admin")
    assert client.post("/logout").status_code == 400
    assert client.get("/admin/users").status_code == 200


def test_login_is_rate_limited(client, users):
    token = csrf_token(client, "/login")
    codes = [
        client.post(
            "/login",
            data={
                "email": "customer@example.com",
                "password": "wrong-password-x",
                "csrf_token": token,
            },
        ).status_code
        for _ in range(7)
    ]
    assert codes[:5] == [200] * 5
    assert codes[-1] == 429
    assert "Too many attempts" in client.post("/login", data={"csrf_token": token}).get_data(as_text=True)


def test_password_reset_is_rate_limited(client):
    token = csrf_token(client, "/reset-password")
    codes = [
        client.post("/reset-password", data={"email": "x@example.com", "csrf_token": token}).status_code
        for _ in range(5)
    ]
    assert codes[:3] == [302] * 3 and codes[-1] == 429


def test_security_headers_on_every_response(client):
    for url in ("/", "/login", "/does-not-exist"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"


def test_session_cookie_is_httponly_and_samesite(auth, users):
    cookies = auth.login("customer@example.com").headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie


def test_reset_answer_is_the_same_for_known_and_unknown_addresses(client, users):
    answers = []
    for email in ("customer@example.com", "nobody@example.com"):
        token = csrf_token(client, "/reset-password")
        response = client.post(
            "/reset-password", data={"email": email, "csrf_token": token}, follow_redirects=True
        )
        page = CSRF_RE.sub("", response.get_data(as_text=True))  # tokens carry a timestamp
        answers.append((response.status_code, page.replace(email, "")))
    assert answers[0] == answers[1]


@pytest.mark.parametrize("url", ["/staff/requests", "/staff/kb"])
def test_staff_routes_need_an_agent(client_as, url):
    assert client_as("customer").get(url).status_code == 403
    assert client_as("marketer").get(url).status_code == 403
    assert client_as("agent").get(url).status_code == 200
    assert client_as("admin").get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/marketing/offers", "/marketing/suggestions", "/marketing/blocklist", "/marketing/reports"],
)
def test_marketing_routes_need_a_marketer(client_as, url):
    assert client_as("customer").get(url).status_code == 403
    assert client_as("agent").get(url).status_code == 403
    assert client_as("marketer").get(url).status_code == 200
    assert client_as("admin").get(url).status_code == 200


@pytest.mark.parametrize("url", ["/admin/users", "/admin/audit", "/admin/catalog", "/admin/sla"])
def test_admin_routes_need_an_admin(client_as, client, url):
    for role in ("customer", "agent", "marketer"):
        assert client_as(role).get(url).status_code == 403
    assert client_as("admin").get(url).status_code == 200
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_admin_promotes_a_customer_to_agent_and_it_is_audited(client_as, users, db):
    admin = client_as("admin")
    target = users["customer2"]
    token = csrf_token(admin, f"/admin/users/{target.id}")
    response = admin.post(f"/admin/users/{target.id}", data={"csrf_token": token, "role": "agent"})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(User, target.id).role == "agent"
    entry = db.scalar(select(AuditLog).where(AuditLog.action == "user.role_changed"))
    assert entry.details == {"old": "customer", "new": "agent"}
    assert "user.role_changed" in admin.get("/admin/audit").get_data(as_text=True)


def test_admin_searches_users(client_as, users):
    html = client_as("admin").get("/admin/users?q=marketer").get_data(as_text=True)
    assert "marketer@example.com" in html and "customer2@example.com" not in html


def test_deactivated_users_session_stops_working(client_as, users):
    customer = client_as("customer")
    assert customer.get("/account").status_code == 200
    admin = client_as("admin")
    target = users["customer"]
    token = csrf_token(admin, f"/admin/users/{target.id}")
    assert admin.post(f"/admin/users/{target.id}/active", data={"csrf_token": token}).status_code == 302
    assert customer.get("/account").status_code == 302
    assert AuthActions(customer).login("customer@example.com").status_code == 200


def test_admin_cannot_demote_themselves(client_as, users, db):
    admin = client_as("admin")
    me = users["admin"]
    token = csrf_token(admin, f"/admin/users/{me.id}")
    admin.post(f"/admin/users/{me.id}", data={"csrf_token": token, "role": "customer"})
    db.expire_all()
    assert db.get(User, me.id).role == "admin"


def test_production_without_secret_key_refuses_to_start(tmp_path, monkeypatch):
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="PORTAL_SECRET_KEY"):
        create_app({"ENV": "production", "INSTANCE_PATH": str(tmp_path)})


def test_development_secret_is_generated_once_into_the_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    first = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://"})
    second = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://"})
    assert first.secret_key == second.secret_key == (tmp_path / "secret_key").read_text()


@pytest.mark.parametrize(
    "target,ok",
    [
        ("/account", True),
        ("/kb/en/search?q=x", True),
        ("https://evil.example", False),
        ("//evil.example", False),
        ("/\\evil.example", False),
        ("javascript:alert(1)", False),
        ("", False),
        (None, False),
        ("/ok\r\nSet-Cookie: x", False),
    ],
)
def test_is_safe_redirect(target, ok):
    assert is_safe_redirect(target) is ok


def test_error_pages_are_friendly_and_json_for_api_clients(client):
    html = client.get("/nope").get_data(as_text=True)
    assert "could not find" in html and "Traceback" not in html
    response = client.get("/nope", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.get_json()["status"] == 404


def test_nul_characters_are_refused_before_they_reach_the_database(client_as):
    customer = client_as("customer")
    response = customer.post(
        "/requests/new",
        data={"subject": "a\x00b", "description": "x", "csrf_token": csrf_token(customer, "/requests/new")},
    )
    assert response.status_code == 400

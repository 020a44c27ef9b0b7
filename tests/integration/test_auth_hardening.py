"""Issue #10 (auth): hosts and mailed links, logout and remember-me, rate-limit keys, proxies,
Redis for limits, body sizes, the 500 page after a database error, enumeration, identity text."""

from __future__ import annotations

import io
import logging
import secrets
import threading
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import func, select

from portal import config, create_app, notify
from portal.config import ConfigurationError
from portal.extensions import limiter
from portal.mail import external_url, wait_for_deferred
from portal.models import AuditLog, ServiceRequest, User
from tests.conftest import TEST_PASSWORD, AuthActions, csrf_token
from tests.integration.requests_helpers import catalog, make_request
from tests.integration.worker_helpers import same_portal_settings

STRONG_SECRET = "kJ3v9_Qm2LxN8rT5yW1pZ7cH4fB6dS0gA2eU9iO3nM8qR5tV"


@pytest.fixture
def limiter_state():
    """Other apps re-bind the one global limiter; put the test app's storage back afterwards."""
    saved = dict(limiter.__dict__)
    yield
    limiter.__dict__.clear()
    limiter.__dict__.update(saved)


@pytest.fixture
def second_app(app, limiter_state):
    """`second_app(**overrides)`: another portal on the same test database with other settings."""
    made = []

    def make(**overrides):
        settings = {**same_portal_settings(app), "LOGIN_RATE_LIMIT": "2 per minute"}
        settings.update(overrides)
        other = create_app(settings)
        made.append(other)
        return other

    yield make
    for other in made:
        other.extensions["db_engine"].dispose()


WRONG_PASSWORD = "wrong-password-x"


def login_post(client, email, password=WRONG_PASSWORD, **kwargs):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token}, **kwargs)


def mails(app, smtp):
    wait_for_deferred(app)
    return [(m["To"], m.get_body(("plain",)).get_content()) for m in smtp.messages]


# 1. Hosts and mailed links ---------------------------------------------------------------


def test_a_forged_host_header_is_refused_and_mails_nothing(client, users, mail_to_smtp):
    token = csrf_token(client, "/reset-password")
    response = client.post(
        "/reset-password",
        data={"email": "customer@example.com", "csrf_token": token},
        headers={"Host": "evil.example"},
    )
    assert response.status_code == 400
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert mails(client.application, mail_to_smtp) == []


def test_mailed_links_use_the_base_url_whatever_the_request_host(app, client, users, mail_to_smtp):
    token = csrf_token(client, "/reset-password")
    client.post(
        "/reset-password",
        data={"email": "customer@example.com", "csrf_token": token},
        headers={"X-Forwarded-Host": "evil.example"},  # no trusted proxy: ignored
    )
    ((_, body),) = mails(app, mail_to_smtp)
    assert "http://127.0.0.1:5000/reset-password/" in body
    assert "localhost" not in body and "evil" not in body


def test_request_mails_to_agents_link_to_the_base_url(app, client_as, db, users, mail_to_smtp):
    customer = client_as("customer")
    catalog(db)
    req = make_request(app, db, users["customer"])
    req.assignee_id = users["agent"].id
    db.commit()
    customer.post(
        f"/requests/{req.reference}/reply",
        data={"body": "Any news?", "csrf_token": csrf_token(customer, "/requests")},
    )
    ((to, body),) = mails(app, mail_to_smtp)
    assert to == "agent@example.com"
    assert f"http://127.0.0.1:5000/staff/requests/{req.reference}" in body and "localhost" not in body


def test_external_url_ignores_the_request_host(app):
    app.config["BASE_URL"], previous = "https://help.example.com/portal", app.config["BASE_URL"]
    try:
        with app.test_request_context("/", base_url="http://localhost"):
            link = external_url("requests.detail", ref="SR-2026-000001")
    finally:
        app.config["BASE_URL"] = previous
    assert link == "https://help.example.com/portal/requests/SR-2026-000001"


def test_trusted_hosts_come_from_the_base_url_and_the_setting():
    extra = "www.example.com, .cdn.example"
    production = config.trusted_hosts("https://help.example.com", extra, "production")
    assert production == ["help.example.com", "www.example.com", ".cdn.example"]
    development = config.trusted_hosts("http://127.0.0.1:5000", "", "development")
    assert "localhost" in development and "127.0.0.1" in development


def test_production_needs_an_https_base_url(tmp_path, monkeypatch):
    monkeypatch.delenv("PORTAL_BASE_URL", raising=False)
    base = {"ENV": "production", "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": STRONG_SECRET}
    with pytest.raises(ConfigurationError, match="PORTAL_BASE_URL"):
        config.load_settings(dict(base))
    with pytest.raises(ConfigurationError, match="https"):
        config.load_settings({**base, "BASE_URL": "http://help.example.com"})
    settings = config.load_settings({**base, "BASE_URL": "https://help.example.com"})
    assert settings["TRUSTED_HOSTS"] == ["help.example.com"]
    assert settings["SESSION_COOKIE_SECURE"] and settings["REMEMBER_COOKIE_SECURE"]


# 2. Logout, remember-me, lifetimes ---------------------------------------------------------


def test_logout_ends_a_remember_me_login_and_copied_cookies(app, users):
    client = app.test_client()
    assert AuthActions(client).login("customer@example.com", remember="y").status_code == 302
    remember = client.get_cookie("remember_token").value
    session_cookie = client.get_cookie("session").value

    copied = app.test_client()
    copied.set_cookie("remember_token", remember)
    assert copied.get("/account").status_code == 200  # the cookie alone logs in, as "Remember me" should

    response = AuthActions(client).logout()
    deleted = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert deleted and "Max-Age=0" in deleted[0]
    assert client.get("/account").status_code == 302

    for name, value in (("remember_token", remember), ("session", session_cookie)):
        stolen = app.test_client()
        stolen.set_cookie(name, value)
        assert stolen.get("/account").status_code == 302, name
    assert copied.get("/account").status_code == 302  # the copy's own session died with the stamp


def test_session_and_remember_lifetimes_are_bounded(app, auth, users):
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=12)
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=14)
    cookies = auth.login("customer@example.com", remember="y").headers.getlist("Set-Cookie")
    remember = next(c for c in cookies if c.startswith("remember_token="))
    assert "HttpOnly" in remember and "SameSite=Lax" in remember
    expires = parsedate_to_datetime(remember.split("Expires=")[1].split(";")[0])
    assert expires - datetime.now(UTC) < timedelta(days=15)


# 3. One rate-limit bucket per address, whatever the spelling --------------------------------


@pytest.mark.parametrize(
    "spelling",
    [
        "customer@example\u3002com",  # ideographic full stop
        "\uff43\uff55\uff53\uff54\uff4f\uff4d\uff45\uff52@example.com",  # fullwidth letters
        "cus\u200btomer@EXAMPLE.com",  # zero-width space
    ],
)
def test_login_limit_counts_every_spelling_of_an_address(app, users, spelling):
    client = app.test_client()
    for i in range(5):  # the test app allows 5 per minute, per IP and per address
        ip = {"REMOTE_ADDR": f"10.0.0.{i + 1}"}
        assert login_post(client, "customer@example.com", environ_base=ip).status_code == 200
    assert login_post(client, spelling, environ_base={"REMOTE_ADDR": "10.0.1.1"}).status_code == 429


def test_an_equivalent_spelling_logs_in_to_the_same_account(app, users):
    client = app.test_client()
    response = login_post(client, "\uff43ustomer@example\u3002com", password=TEST_PASSWORD)
    assert response.status_code == 302
    assert "Customer" in client.get("/account").get_data(as_text=True)


def test_reset_mails_are_limited_per_address(app, users, mail_to_smtp):
    client = app.test_client()
    spellings = ["customer@example.com", "CUSTOMER@example.com", "customer@example\u3002com"]
    for i, email in enumerate(spellings):
        token = csrf_token(client, "/reset-password")
        data = {"email": email, "csrf_token": token}
        response = client.post("/reset-password", data=data, environ_base={"REMOTE_ADDR": f"10.0.2.{i}"})
        assert response.status_code == 302
    token = csrf_token(client, "/reset-password")
    fourth = client.post(
        "/reset-password",
        data={"email": "\uff43ustomer@example.com", "csrf_token": token},
        environ_base={"REMOTE_ADDR": "10.0.3.1"},
    )
    assert fourth.status_code == 429
    assert len(mails(app, mail_to_smtp)) == 3


def test_registrations_are_limited_per_address_and_per_ip(app, db):
    client = app.test_client()
    spellings = ["ola@example.com", "OLA@example.com", "ola@example\u3002com", "\uff4fla@example.com"]
    codes = [
        register(client, email=email, environ_base={"REMOTE_ADDR": f"10.0.4.{i}"}).status_code
        for i, email in enumerate(spellings)
    ]
    assert codes == [302, 302, 302, 429]  # 3 mails per address and hour, however it is spelled
    codes = [
        register(client, email=f"person{i}@example.com", environ_base={"REMOTE_ADDR": "10.0.5.1"}).status_code
        for i in range(6)
    ]
    assert codes == [302] * 5 + [429]  # 5 registrations per IP and minute
    wait_for_deferred(app)


# 4. Proxies, workers and Redis -----------------------------------------------------------------


def test_behind_a_trusted_proxy_each_client_gets_its_own_bucket(second_app, users):
    proxied = second_app(PROXY_HOPS=1)
    client = proxied.test_client()
    emails = iter(f"someone{i}@example.com" for i in range(10))
    first = {"X-Forwarded-For": "203.0.113.1"}
    codes = [login_post(client, next(emails), headers=first).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    other = {"X-Forwarded-For": "203.0.113.2"}
    assert login_post(client, next(emails), headers=other).status_code == 200


def test_without_trusted_proxies_forwarded_for_is_ignored(app, users):
    client = app.test_client()
    emails = iter(f"someone{i}@example.com" for i in range(10))
    codes = [
        login_post(client, next(emails), headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
        for i in range(6)
    ]
    assert codes[-1] == 429  # a client cannot pick a fresh bucket by forging the header


def test_several_production_workers_need_redis(tmp_path, monkeypatch):
    monkeypatch.delenv("PORTAL_REDIS_URL", raising=False)
    monkeypatch.delenv("PORTAL_WORKERS", raising=False)
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    settings = {
        "ENV": "production",
        "INSTANCE_PATH": str(tmp_path),
        "SECRET_KEY": STRONG_SECRET,
        "BASE_URL": "https://help.example.com",
    }
    with pytest.raises(ConfigurationError, match="PORTAL_REDIS_URL"):
        config.load_settings(dict(settings))
    monkeypatch.setenv("PORTAL_WORKERS", "1")  # PORTAL_WORKERS wins over WEB_CONCURRENCY
    assert config.load_settings(dict(settings))["WORKERS"] == 1
    monkeypatch.setenv("PORTAL_REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("PORTAL_WORKERS", "4")
    assert config.load_settings(dict(settings))["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def test_rate_limits_live_in_redis(second_app, users):
    import redis

    prefix = f"test-auth-{secrets.token_hex(4)}"
    shared = second_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0", RATELIMIT_KEY_PREFIX=prefix)
    connection = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        client = shared.test_client()
        codes = [login_post(client, "customer@example.com").status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert connection.keys(f"*{prefix}*")
    finally:
        for key in connection.scan_iter(f"*{prefix}*"):
            connection.delete(key)


def test_a_redis_outage_keeps_logins_working_with_limits_per_process(second_app, users, caplog):
    closed = second_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")  # nothing listens on port 1
    client = closed.test_client()
    with caplog.at_level(logging.WARNING):
        assert login_post(client, "customer@example.com", password=TEST_PASSWORD).status_code == 302
    assert any("falling back to in-memory" in r.getMessage() for r in caplog.records)
    other = closed.test_client()
    codes = [login_post(other, "customer2@example.com").status_code for _ in range(2)]
    assert codes == [200, 429]  # 2 per minute: the one above and one here, counted in memory


# 8. Body sizes -------------------------------------------------------------------------------


def test_large_bodies_are_refused_outside_upload_endpoints(client, users):
    big = {"email": "customer@example.com", "password": "x", "padding": "a" * (2 * 1024 * 1024)}
    response = client.post("/login", data=big)
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert client.post("/no-such-page", data=big).status_code in (404, 413)


def test_upload_endpoints_still_take_large_attachments(client_as, db, users):
    customer = client_as("customer")
    catalog(db)
    db.commit()
    data = {
        "subject": "Manual scan",
        "description": "The scanned manual is attached.",
        "category": "laundry",
        "product": "",
        "priority": "normal",
        "csrf_token": csrf_token(customer, "/requests/new"),
        "attachments": [(io.BytesIO(b"manual page\n" * 200_000), "manual.txt")],  # 2.4 MB
    }
    response = customer.post("/requests/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert db.scalar(select(func.count()).select_from(ServiceRequest)) == 1


def test_overlong_passwords_are_refused_before_hashing(client, db):
    password = "long-passphrase-" * 100  # 1600 characters
    data = {
        "name": "Long Pass",
        "email": "long@example.com",
        "password": password,
        "password_confirm": password,
        "csrf_token": csrf_token(client, "/register"),
    }
    response = client.post("/register", data=data)
    assert response.status_code == 200
    assert "at most 1024 characters" in response.get_data(as_text=True)
    assert db.scalar(select(User)) is None


# 12. The 500 page after a database error ----------------------------------------------------


def test_a_database_error_rolls_back_and_the_500_page_still_renders(second_app, users, db):
    failing = second_app()

    @failing.route("/test-only/duplicate-user")
    def duplicate_user():
        from portal.db import get_session

        session = get_session()
        session.add(AuditLog(action="test.before_error", details={}))
        session.add(User(email="customer@example.com", name="Dup", password_hash="x"))
        session.flush()  # unique email: a real IntegrityError, before anything loaded the user
        return "unreachable"

    client = failing.test_client()
    assert AuthActions(client).login("customer@example.com").status_code == 302
    response = client.get("/test-only/duplicate-user")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in html and "Traceback" not in html
    assert "Customer" in html  # the page loaded the logged-in user after the rollback
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert db.scalar(select(AuditLog).where(AuditLog.action == "test.before_error")) is None
    assert client.get("/account").status_code == 200  # the next request works normally


# 15. Enumeration: mail is sent off the request thread ------------------------------------------


def test_reset_mail_is_sent_off_the_request_thread(app, client, db, users, monkeypatch):
    threads = []
    original = notify.send_templated

    def spy(*args, **kwargs):
        threads.append(threading.current_thread())
        return original(*args, **kwargs)

    monkeypatch.setattr(notify, "send_templated", spy)
    for email in ("customer@example.com", "nobody@example.com"):
        token = csrf_token(client, "/reset-password")
        assert client.post("/reset-password", data={"email": email, "csrf_token": token}).status_code == 302
    wait_for_deferred(app)
    assert len(threads) == 1 and threads[0] is not threading.current_thread()
    rows = db.scalars(select(AuditLog).where(AuditLog.action == "password.reset_requested"))
    logged = {a.target for a in rows}
    assert logged == {"customer@example.com", "nobody@example.com"}  # the same database work


# 16. Names, addresses and secret keys --------------------------------------------------------


def register(client, environ_base=None, **fields):
    data = {
        "name": "Ola Kowalska",
        "email": "ola@example.com",
        "password": TEST_PASSWORD,
        "password_confirm": TEST_PASSWORD,
        "csrf_token": csrf_token(client, "/register"),
    }
    data.update(fields)
    return client.post("/register", data=data, environ_base=environ_base or {})


def test_names_and_addresses_are_normalised(client, db):
    response = register(
        client, name="\uff2f\uff4c\uff41 \u202eKowalska\u200b\x07", email="o\u200bla@EXAMPLE\uff0ecom"
    )
    assert response.status_code == 302
    user = db.scalar(select(User))
    assert (user.name, user.email) == ("Ola Kowalska", "ola@example.com")


def test_mixed_script_domains_are_refused(client, db):
    response = register(client, email="ola@ex\u0430mple.com")  # Cyrillic "а" among Latin letters
    assert response.status_code == 200
    assert "mixes different alphabets" in response.get_data(as_text=True)
    assert db.scalar(select(User)) is None
    assert register(client, email="ola@\u043f\u0440\u0438\u043c\u0435\u0440.com").status_code == 302


@pytest.mark.parametrize(
    "secret",
    [" " * 40, "a" * 40, "abcd" * 10, "0123456789" * 4, "short-but-random-Xq9", " " + STRONG_SECRET],
)
def test_weak_production_secret_keys_are_refused(tmp_path, secret):
    with pytest.raises(ConfigurationError, match="PORTAL_SECRET_KEY"):
        config.load_settings(
            {
                "ENV": "production",
                "INSTANCE_PATH": str(tmp_path),
                "SECRET_KEY": secret,
                "BASE_URL": "https://help.example.com",
            }
        )


def test_a_random_production_secret_key_is_accepted():
    for _ in range(20):
        config.check_secret_key(secrets.token_urlsafe(32))
    config.check_secret_key(STRONG_SECRET)


def test_limit_keys_fold_equivalent_spellings():
    from portal.auth.identity import limit_key

    canonical = limit_key("victim@example.com")
    for spelling in (
        "victim@example\u3002com",
        "\uff56\uff49\uff43\uff54\uff49\uff4d@\uff45xample.com",
        "VICTIM@Example.COM",
        "vic\u200dtim@example.com\u200b",
    ):
        assert limit_key(spelling) == canonical, spelling
    assert limit_key("victim@b\u00fccher.example") == "victim@xn--bcher-kva.example"


def test_staff_accounts_made_on_the_command_line_can_log_in_at_once(app, db):
    runner = app.test_cli_runner()
    base = ["users", "create", "--email", "Staff@Example.com", "--name", "Sam Staff", "--role", "agent"]
    refused = runner.invoke(args=[*base, "--password", "staff-passphrase-99"])
    assert refused.exit_code == 1 and "must not contain your name or email" in refused.output
    created = runner.invoke(args=[*base, "--password", TEST_PASSWORD])
    assert created.exit_code == 0, created.output
    assert db.scalar(select(User)).email_confirmed_at is not None
    assert AuthActions(app.test_client()).login("staff@example.com").status_code == 302


def test_with_redis_account_mails_go_to_the_rq_worker(second_app, app, users, mail_to_smtp):
    import redis
    from rq import Queue

    from portal import mail

    url = "redis://127.0.0.1:6379/13"
    queue = Queue("shopkeeper", connection=redis.Redis.from_url(url))
    queue.empty()
    queued = second_app(REDIS_URL=url, MAIL_URL=mail_to_smtp.url)
    try:
        client = queued.test_client()
        token = csrf_token(client, "/reset-password")
        client.post("/reset-password", data={"email": "customer@example.com", "csrf_token": token})
        wait_for_deferred(queued)
        assert mail_to_smtp.messages == []  # nothing sent by the web process
        (job,) = queue.get_jobs()
        assert job.func is mail.run_job
        mail._run_in_context(queued, *job.args[:1], job.args[1:])  # what the worker does, in this app
        assert "/reset-password/" in mail_to_smtp.messages[0].get_body(("plain",)).get_content()
    finally:
        queue.empty()


def test_when_redis_is_down_account_mails_are_sent_from_the_web_process(second_app, users, mail_to_smtp):
    down = second_app(REDIS_URL="redis://127.0.0.1:1/0", MAIL_URL=mail_to_smtp.url)
    client = down.test_client()
    token = csrf_token(client, "/reset-password")
    response = client.post("/reset-password", data={"email": "customer@example.com", "csrf_token": token})
    assert response.status_code == 302
    assert [to for to, _ in mails(down, mail_to_smtp)] == ["customer@example.com"]

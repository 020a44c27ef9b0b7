"""Fixtures: a fresh database per test session, role clients, SMTP, live server, Chromium."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from knowledge_base.db import Base
from portal import create_app, migrate
from portal.extensions import limiter
from portal.mail import wait_for_deferred

TEST_PASSWORD = "correct-horse-battery-staple"
CHEAP_ARGON2 = {"time_cost": 1, "memory_cost": 1024}
ROLES = ("customer", "customer2", "agent", "marketer", "admin")


@contextmanager
def scratch_database(prefix: str, sqlite_file: Path) -> Iterator[str]:
    """An empty database of the configured kind: the SQLite file `sqlite_file`, or a new database
    named `prefix_<random>` on PORTAL_TEST_DATABASE_URL's server, dropped afterwards."""
    server_url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if not server_url:
        yield f"sqlite:///{sqlite_file}"
        return
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """A temporary SQLite file, or a fresh database on PORTAL_TEST_DATABASE_URL's server."""
    with scratch_database("shopkeeper_test", tmp_path_factory.mktemp("db") / "portal.db") as url:
        yield url


class BufferedClient(FlaskClient):
    """A test client that reads every response whole and closes it (streamed files too),
    so no test leaks an open attachment file (warnings are errors in this suite), and that
    returns once the mail the request queued has been handed to the SMTP server (mail goes out
    on background threads; a test looks at the outcome of the whole request)."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        response = super().open(*args, **kwargs)
        wait_for_deferred(self.application)
        # werkzeug spools a large request body to a temporary file that it never closes
        body = response.request.environ.get("wsgi.input")
        if body is not None and hasattr(body, "close"):
            body.close()
        return response


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    """The portal with a migrated test database."""
    instance = tmp_path_factory.mktemp("instance")
    application = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "ARGON2_PARAMS": CHEAP_ARGON2,
            "MAIL_URL": f"outbox://{instance / 'outbox'}",
            "LOGIN_RATE_LIMIT": "5 per minute",
            "RESET_RATE_LIMIT": "3 per minute",
            "IMPRESSION_FLUSH_SECONDS": 0,  # most tests read impressions at once; buffering has its own
            "SEARCH_LOG_FLUSH_SECONDS": 0,
        }
    )
    application.test_client_class = BufferedClient
    migrate.upgrade(application)
    yield application
    application.extensions["db_engine"].dispose()


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Empty every table and the rate-limit counters after each test that used the app, and put
    back any setting the test changed."""
    if "app" not in request.fixturenames:
        yield
        return
    application = request.getfixturevalue("app")
    settings = dict(application.config)
    yield
    wait_for_deferred(application)  # no mail thread may still be writing to the tables
    application.config.update(settings)
    for name in set(application.config) - set(settings):
        del application.config[name]
    with application.app_context():
        limiter.reset()
    application.extensions.pop("cache", None)  # cached pages must not outlive their rows
    application.extensions.pop("kb_recent_reads", None)  # ids are reused once the tables are emptied
    # unwritten batched rows die with the test
    for batched in ("link_impressions", "kb_search_logs", "kb_view_counts"):
        pending_rows = application.extensions.pop(batched, None)
        if pending_rows is not None:
            pending_rows.take()
    engine = application.extensions["db_engine"]
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    if "kb_search" in application.extensions:
        application.extensions["kb_search"].clear()
    outbox = Path(application.config["INSTANCE_PATH"]) / "outbox"
    shutil.rmtree(outbox, ignore_errors=True)


@pytest.fixture
def db(app):
    """A session on the test database, to arrange or check rows.

    No app context is pushed: requests made during the test must get their own `g`.
    """
    session = app.extensions["db_sessionmaker"]()
    yield session
    session.close()


@pytest.fixture
def users(app, db):
    """One account per role; every password is TEST_PASSWORD."""
    from portal.auth.services import create_user
    from portal.models import Role

    created = {}
    for key in ROLES:
        role = Role.CUSTOMER if key.startswith("customer") else Role(key)
        with app.test_request_context():
            created[key] = create_user(
                db,
                email=f"{key}@example.com",
                name=key.title(),
                password=TEST_PASSWORD,
                role=role,
                hash_params=CHEAP_ARGON2,
                marketing_consent=(key == "customer"),
            )
    db.commit()
    return created


def add_agent(app, db, email: str = "agent2@example.com", name: str = "Agent Two"):
    """Another agent account (password TEST_PASSWORD), committed."""
    from portal.auth.services import create_user
    from portal.models import Role

    with app.test_request_context():
        agent = create_user(
            db, email=email, name=name, password=TEST_PASSWORD, role=Role.AGENT, hash_params=CHEAP_ARGON2
        )
    db.commit()
    return agent


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client, url: str = "/login") -> str:
    """Fetch a page and return the CSRF token of its first form."""
    match = CSRF_RE.search(client.get(url).get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


class AuthActions:
    """Log a test client in and out, like a person would."""

    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = TEST_PASSWORD, **extra):
        token = csrf_token(self.client, "/login")
        data = {"email": email, "password": password, "csrf_token": token, **extra}
        return self.client.post("/login", data=data)

    def logout(self):
        token = csrf_token(self.client, "/")
        return self.client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def client_as(app, users):
    """`client_as("agent")` returns a test client logged in with that role."""

    clients = {}

    def make(role: str):
        if role not in clients:  # one logged-in client per role and test (login is rate-limited)
            c = app.test_client()
            response = AuthActions(c).login(f"{role}@example.com")
            assert response.status_code == 302, response.get_data(as_text=True)[:500]
            clients[role] = c
        return clients[role]

    return make


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on localhost; `.messages` holds what it received."""
    from email import message_from_bytes
    from email.policy import default

    from aiosmtpd.controller import Controller

    class Collect:
        def __init__(self):
            self.received = []
            self.settle = lambda: None  # `mail_to_smtp` waits for the app's mail threads here

        @property
        def messages(self):
            # aiosmtpd reads the handler's attributes on its own thread for every connection:
            # only the test (main) thread may wait for the mail threads, or they would wait on it
            if threading.current_thread() is threading.main_thread():
                self.settle()
            return self.received

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
            self.received.append(message_from_bytes(envelope.content, policy=default))
            return "250 OK"

    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.url = f"smtp://127.0.0.1:{controller.port}"
    yield handler
    controller.stop()


@pytest.fixture
def mail_to_smtp(app, smtp_server):
    """Point the app's mail at the test SMTP server for one test."""
    previous = app.config["MAIL_URL"]
    app.config["MAIL_URL"] = smtp_server.url
    smtp_server.settle = lambda: wait_for_deferred(app)
    yield smtp_server
    wait_for_deferred(app)
    app.config["MAIL_URL"] = previous


@pytest.fixture(scope="session")
def live_server(app):
    """The app served over HTTP on a free localhost port, in a thread."""
    from werkzeug.serving import make_server

    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{port}"
    yield server
    server.shutdown()


CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """A real headless Chromium; skipped without it unless PORTAL_REQUIRE_BROWSER=1."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("PORTAL_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM} and PORTAL_REQUIRE_BROWSER=1")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context and page; any JavaScript dialog fails the test."""
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    yield page
    context.close()
    assert not dialogs, f"unexpected dialogs: {dialogs}"

"""Outages: Redis away (caches degrade to no cache, jobs run inline, the worker waits) and the
database away (a clean 503 with Retry-After that keeps typed text; recovery without a restart)."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import socket
import sqlite3
import threading

import pytest
import redis
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from portal import cache as cache_module
from portal import create_app, jobs, outage
from portal.models import SuggestionState
from portal.security import SECURITY_HEADERS
from tests.conftest import CHEAP_ARGON2, TEST_PASSWORD, csrf_token, free_port

REAL_REDIS = "redis://127.0.0.1:6379/13"
ON_POSTGRES = bool(os.environ.get("PORTAL_TEST_DATABASE_URL"))


def closed_redis_url() -> str:
    """A Redis URL whose port nobody listens on."""
    return f"redis://127.0.0.1:{free_port()}/0"


def assert_clean_503(response) -> None:
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    assert "Traceback" not in response.get_data(as_text=True)


# --------------------------------------------------------------------------- Redis: cache


def test_cache_with_redis_down_is_no_cache_and_warns_once(caplog):
    store = cache_module.RedisCache(closed_redis_url())
    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        store.set("k", "v")
        assert store.get("k") is None
        assert store.get("k") is None
    warnings = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert len(warnings) == 1
    assert "without the cache" in warnings[0].getMessage()


def test_cache_breaker_tries_again_later_and_logs_the_recovery(caplog):
    now = [100.0]
    breaker = cache_module.Breaker("Redis (cache)", retry_seconds=5, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        breaker.failed(ConnectionError("refused"), "no cache")
        assert breaker.down
        now[0] += 6
        assert not breaker.down  # time to try Redis again
        breaker.succeeded()
        breaker.succeeded()
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        "Redis (cache) is unavailable (refused): no cache",
        "Redis (cache) is available again.",
    ]


def test_cache_with_real_redis_keeps_values():
    store = cache_module.RedisCache(REAL_REDIS)
    key = f"shopkeeper:test:{secrets.token_hex(8)}"
    try:
        store.set(key, "rendered")
        assert store.get(key) == "rendered"
        assert not store.breaker.down
    finally:
        redis.Redis.from_url(REAL_REDIS).delete(key)


def test_article_page_with_links_renders_while_the_cache_redis_is_down(app, db, client, caplog):
    from tests.integration.marketing_helpers import article_with_suggestions

    _article, suggestions = article_with_suggestions(app, db)
    suggestions["router"].state = SuggestionState.APPROVED
    db.commit()
    previous_cache = app.extensions.get("cache")
    previous_flag = app.config["ANONYMOUS_OFFER_LINKS"]
    app.extensions["cache"] = cache_module.RedisCache(closed_redis_url())
    app.config["ANONYMOUS_OFFER_LINKS"] = True
    try:
        with caplog.at_level(logging.WARNING, logger="portal.cache"):
            response = client.get("/kb/en/a/care")
    finally:
        app.config["ANONYMOUS_OFFER_LINKS"] = previous_flag
        if previous_cache is None:
            app.extensions.pop("cache", None)
        else:
            app.extensions["cache"] = previous_cache
    assert response.status_code == 200
    assert f"/go/{suggestions['router'].id}" in response.get_data(as_text=True)
    assert any("Redis (cache) is unavailable" in r.getMessage() for r in caplog.records)


# --------------------------------------------------------------------------- Redis: jobs


def _app_with_redis(tmp_path, url):
    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'jobs.db'}",
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "REDIS_URL": url,
        }
    )


def test_job_runs_inline_with_a_warning_when_redis_is_down(tmp_path, monkeypatch, caplog):
    application = _app_with_redis(tmp_path, closed_redis_url())
    scanned = []
    monkeypatch.setattr(jobs, "_scan", lambda _app, article_id: scanned.append(article_id) or 1)
    with application.test_request_context(), caplog.at_level(logging.WARNING, logger="portal.jobs"):
        assert jobs.request_scan(42) == "done"
    assert scanned == [42]
    assert any("scanning article 42 inline" in r.getMessage() for r in caplog.records)


def test_job_is_queued_when_redis_is_up(tmp_path, monkeypatch):
    application = _app_with_redis(tmp_path, REAL_REDIS)
    monkeypatch.setattr(jobs, "_scan", lambda *_a: pytest.fail("must not run inline"))
    with application.test_request_context():
        queue = jobs.queue()
        before = set(queue.job_ids)
        assert jobs.request_scan(7) == "queued"
        added = set(queue.job_ids) - before
        try:
            assert len(added) == 1
            assert queue.fetch_job(added.pop()).args == (7,)
        finally:
            for job_id in set(queue.job_ids) - before:
                queue.remove(job_id)
                queue.connection.delete(f"rq:job:{job_id}")


def test_worker_waits_for_redis_instead_of_exiting(tmp_path, caplog):
    application = _app_with_redis(tmp_path, closed_redis_url())
    slept = []
    with (
        application.app_context(),
        caplog.at_level(logging.WARNING, logger="portal.jobs"),
        pytest.raises(redis.ConnectionError),
    ):
        jobs.run_worker(jobs.queue(), burst=True, sleep=slept.append, attempts=3)
    assert slept == [jobs.WORKER_RETRY_SECONDS] * 2
    assert sum("the worker retries" in r.getMessage() for r in caplog.records) == 2


# --------------------------------------------------------------------------- database


def _sqlite_error(message: str) -> OperationalError:
    return OperationalError("SELECT 1", {}, sqlite3.OperationalError(message))


def test_only_real_outages_count_as_outages():
    assert outage.is_outage(_sqlite_error("database is locked"))
    assert not outage.is_outage(_sqlite_error("no such table: users"))
    assert not outage.is_outage(ValueError("x"))


def _unreachable_app(tmp_path):
    """A portal whose PostgreSQL server does not answer (nothing listens on the port)."""
    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": f"postgresql+psycopg://portal@127.0.0.1:{free_port()}/portal",
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        }
    )


def test_pages_answer_503_with_security_headers_while_the_database_is_down(tmp_path, caplog):
    client = _unreachable_app(tmp_path).test_client()
    with caplog.at_level(logging.WARNING, logger="portal.outage"):
        response = client.get("/kb/en/", headers={"Accept-Language": "pl"})
    assert_clean_503(response)
    assert "Usługa jest chwilowo niedostępna" in response.get_data(as_text=True)
    assert any("Database unavailable on GET /kb" in r.getMessage() for r in caplog.records)


def test_api_clients_get_a_json_503(tmp_path):
    response = _unreachable_app(tmp_path).test_client().get("/kb/en/", headers={"Accept": "application/json"})
    assert_clean_503(response)
    assert response.get_json()["status"] == 503


def test_a_form_post_during_the_outage_keeps_the_typed_text_but_not_the_password(tmp_path):
    client = _unreachable_app(tmp_path).test_client()
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={"email": "typed.by.hand@example.com", "password": "s3cret-Passw0rd!", "csrf_token": token},
    )
    assert_clean_503(response)
    page = response.get_data(as_text=True)
    assert 'value="typed.by.hand@example.com"' in page
    assert "s3cret-Passw0rd!" not in page
    assert f'value="{token}"' in page and 'action="/login"' in page  # "send again" works as is


# --------------------------------------------------------------------------- PostgreSQL restart


class Outage:
    """A TCP proxy in front of PostgreSQL that can drop every connection and refuse new ones,
    as a server restart does."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = free_port()
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(32)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        """Close the listener and every proxied connection (the 'restart')."""
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() thread
            self._listener.close()
            self._listener = None
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            with self._lock:
                self._sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


#: A page that reads the database on every view (a plain request list is memoised whole and, with
#: the user from the identity cache, can be served while the database is away).
LIVE_PAGE = "/requests?q=dryer"


@pytest.mark.skipif(not ON_POSTGRES, reason="a PostgreSQL restart needs PORTAL_TEST_DATABASE_URL")
def test_the_portal_recovers_by_itself_after_a_postgresql_restart(app, users, database_url, tmp_path):
    url = make_url(database_url)
    proxy = Outage(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    behind_proxy = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False),
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "ARGON2_PARAMS": CHEAP_ARGON2,
        }
    )
    client = behind_proxy.test_client()
    try:
        token = csrf_token(client, "/login")
        login = client.post(
            "/login", data={"email": "customer@example.com", "password": TEST_PASSWORD, "csrf_token": token}
        )
        assert login.status_code == 302
        assert client.get(LIVE_PAGE).status_code == 200
        form_token = csrf_token(client, "/requests/new")

        proxy.stop()  # a quick restart while nobody asks: the pooled connections are dead now
        proxy.start()
        assert client.get(LIVE_PAGE).status_code == 200  # the very first request works again

        proxy.stop()  # PostgreSQL goes away: pooled connections die, new ones are refused
        assert_clean_503(client.get(LIVE_PAGE))
        posted = client.post(
            "/requests/new",
            data={
                "subject": "Dryer squeaks",
                "description": "Loud squeak when spinning.",
                "csrf_token": form_token,
            },
        )
        assert_clean_503(posted)
        assert "Loud squeak when spinning." in posted.get_data(as_text=True)

        proxy.start()  # PostgreSQL is back: the same app serves again, no restart
        assert client.get(LIVE_PAGE).status_code == 200
        sent_again = client.post(
            "/requests/new",
            data={
                "subject": "Dryer squeaks",
                "description": "Loud squeak when spinning.",
                "csrf_token": form_token,
            },
        )
        assert sent_again.status_code == 302
    finally:
        proxy.stop()
        behind_proxy.extensions["db_engine"].dispose()


class _SessionOnADeadConnection:
    """A session whose final ROLLBACK fails, as when PostgreSQL stops after the last query."""

    def __init__(self) -> None:
        self.invalidated = False

    def close(self) -> None:
        raise OperationalError("ROLLBACK", {}, Exception("server closed the connection unexpectedly"))

    def invalidate(self) -> None:
        self.invalidated = True


def test_a_connection_lost_after_the_answer_does_not_turn_it_into_a_500(tmp_path, caplog):
    from flask import g

    from portal import db as db_module

    application = _app_with_redis(tmp_path, closed_redis_url())
    dead = _SessionOnADeadConnection()

    @application.get("/_test/answered")
    def answered():
        g.db_session = dead  # the page is made; the database goes away before teardown
        return "made"

    with caplog.at_level(logging.WARNING, logger="portal.db"):
        response = application.test_client().get("/_test/answered")
    assert response.status_code == 200 and response.get_data(as_text=True) == "made"
    assert dead.invalidated
    assert any("Database connection lost while closing" in r.getMessage() for r in caplog.records)
    assert db_module.log.name == "portal.db"

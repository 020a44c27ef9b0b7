# ruff: noqa: F811  (pytest fixtures imported from mail_fixtures are redefined as parameters)
"""With Redis, `portal worker` queues a mailbox fetch once per interval, however many workers run."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import select

from portal.models import ServiceRequest
from tests.integration.mail_builders import mail
from tests.integration.mail_fixtures import dovecot_server, imap_account  # noqa: F401 (fixtures)
from tests.integration.test_mail_in_imap import add_mailbox

REDIS_URL = "redis://127.0.0.1:6379/9"


@pytest.fixture
def queue():
    redis = pytest.importorskip("redis")
    from rq import Queue

    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.RedisError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    jobs = Queue(f"mailin-test-{secrets.token_hex(4)}", connection=connection)
    yield jobs
    jobs.delete(delete_jobs=True)
    connection.close()


def test_one_fetch_is_queued_per_interval_whoever_ticks(queue):
    from portal.mail_in.schedule import fetch_job, tick

    key = f"mailin-test:tick:{secrets.token_hex(4)}"
    try:
        assert tick(queue, 60, key) is True
        assert tick(queue, 60, key) is False  # a second worker in the same interval
        [job] = queue.get_jobs()
        assert job.func is fetch_job
    finally:
        queue.connection.delete(key)


def test_the_queued_fetch_takes_the_mail_in(app, db, users, imap_account, queue, monkeypatch):
    from rq import SimpleWorker

    from portal.mail_in.schedule import tick

    add_mailbox(db, imap_account)
    imap_account.deliver(mail(subject="Polled by the worker"))
    for name in ("DATABASE_URL", "INSTANCE", "SECRET_KEY", "MAIL_URL"):
        monkeypatch.setenv(f"PORTAL_{name}", app.config["INSTANCE_PATH" if name == "INSTANCE" else name])
    key = f"mailin-test:tick:{secrets.token_hex(4)}"
    try:
        tick(queue, 60, key)
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
    finally:
        queue.connection.delete(key)
    db.expire_all()
    assert [r.subject for r in db.scalars(select(ServiceRequest))] == ["Polled by the worker"]
    assert imap_account.all_seen()


def test_the_worker_tick_also_retries_outbox_mail_that_is_due(
    app, db, users, queue, monkeypatch, mail_to_smtp
):
    from datetime import timedelta

    from rq import SimpleWorker

    from knowledge_base.db import utcnow
    from portal.mail import build_message
    from portal.mail_in.schedule import tick
    from portal.mailout import outbox
    from portal.models import OutboxMessage

    message = build_message("support@example.com", "customer@example.com", "Waiting since yesterday", "Body")
    outbox.enqueue(db, message, kind="test")
    db.commit()
    outbox.discard_pending(db)  # as if its first attempt had failed: only the tick sends it
    db.execute(OutboxMessage.__table__.update().values(next_attempt_at=utcnow() - timedelta(minutes=1)))
    db.commit()
    for name in ("DATABASE_URL", "INSTANCE", "SECRET_KEY", "MAIL_URL"):
        monkeypatch.setenv(f"PORTAL_{name}", app.config["INSTANCE_PATH" if name == "INSTANCE" else name])
    key = f"mailin-test:tick:{secrets.token_hex(4)}"
    try:
        tick(queue, 60, key)
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
    finally:
        queue.connection.delete(key)
    assert [m["Subject"] for m in mail_to_smtp.messages] == ["Waiting since yesterday"]

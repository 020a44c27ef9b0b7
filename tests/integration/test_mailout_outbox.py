"""A failing SMTP server loses no mail: it waits in the database outbox, is retried, and is sent once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from knowledge_base.db import utcnow
from portal.mailout import outbox
from portal.models import OutboxMessage, OutboxState, RequestMessage
from portal.requests.sla import as_aware
from tests.conftest import csrf_token
from tests.integration.mailout_helpers import unreachable_smtp_url
from tests.integration.requests_helpers import catalog, handling_form, make_request, submit


@pytest.fixture
def req(app, db, users):
    catalog(db)
    return make_request(app, db, users["customer"])


@pytest.fixture
def smtp_down(app):
    previous = app.config["MAIL_URL"]
    app.config["MAIL_URL"] = unreachable_smtp_url()
    yield
    app.config["MAIL_URL"] = previous


def rows(db):
    db.expire_all()
    return db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_smtp_down_keeps_the_mail_then_a_flush_sends_it_once(app, client_as, db, req, smtp_server, smtp_down):
    agent = client_as("agent")
    response = submit(agent, req.reference, handling_form(agent, req.reference), body="We found the fault.")
    assert response.status_code == 302  # the agent's save is not held up by the mail server
    (row,) = rows(db)
    assert row.state == OutboxState.PENDING and row.attempts == 1
    assert "127.0.0.1" in row.last_error and as_aware(row.next_attempt_at) > utcnow()
    assert db.scalar(select(func.count(RequestMessage.id))) == 1  # the reply itself is saved

    runner = app.test_cli_runner()
    app.config["MAIL_URL"] = smtp_server.url
    assert "sent 0" in runner.invoke(args=["outbox", "flush"]).output  # not due yet: backoff
    db.execute(OutboxMessage.__table__.update().values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    assert "sent 1, failed 0, waiting 0" in runner.invoke(args=["outbox", "flush"]).output
    assert "sent 0" in runner.invoke(args=["outbox", "flush"]).output
    assert len(smtp_server.messages) == 1
    assert "We found the fault." in smtp_server.messages[0].get_body(("plain",)).get_content()
    (row,) = rows(db)
    assert row.state == OutboxState.SENT and row.sent_at is not None and row.attempts == 2


def test_backoff_doubles_up_to_a_ceiling():
    assert outbox.backoff(1, 60) == timedelta(seconds=60)
    assert outbox.backoff(2, 60) == timedelta(seconds=120)
    assert outbox.backoff(4, 60) == timedelta(seconds=480)
    assert outbox.backoff(30, 60) == outbox.MAX_BACKOFF


def test_after_the_last_attempt_the_mail_is_marked_failed_not_dropped(app, client_as, db, req, smtp_down):
    app.config["OUTBOX_MAX_ATTEMPTS"], previous = 2, app.config["OUTBOX_MAX_ATTEMPTS"]
    try:
        agent = client_as("agent")
        submit(agent, req.reference, handling_form(agent, req.reference), body="Answer")
        db.execute(OutboxMessage.__table__.update().values(next_attempt_at=utcnow()))
        db.commit()
        with app.app_context():
            outbox.flush(db, app.config)
    finally:
        app.config["OUTBOX_MAX_ATTEMPTS"] = previous
    (row,) = rows(db)
    assert row.state == OutboxState.FAILED and row.attempts == 2
    with app.app_context():
        assert outbox.due_ids(db, utcnow() + timedelta(days=1)) == []  # no more automatic tries


def test_a_claimed_row_is_not_sent_twice(app, db, client_as, req, smtp_server, smtp_down):
    agent = client_as("agent")
    submit(agent, req.reference, handling_form(agent, req.reference), body="Answer")
    (row,) = rows(db)
    app.config["MAIL_URL"] = smtp_server.url
    now = utcnow() + timedelta(days=1)
    assert outbox._claim(db, row.id, now)  # another sender holds it
    assert not outbox.send_one(db, row.id, app.config, now)
    assert smtp_server.messages == []
    later = now + timedelta(seconds=outbox.CLAIM_SECONDS + 1)  # that sender died: the claim expires
    assert outbox.send_one(db, row.id, app.config, later)
    assert not outbox.send_one(db, row.id, app.config, later + timedelta(days=1))  # sent rows stay sent
    assert len(smtp_server.messages) == 1


def test_a_save_that_fails_leaves_no_mail_behind(app, client_as, db, req, mail_to_smtp):
    agent = client_as("agent")
    response = submit(
        agent, req.reference, handling_form(agent, req.reference), body="Answer", status="closed"
    )
    assert response.status_code == 400  # new -> closed is not allowed: nothing is saved
    assert rows(db) == [] and mail_to_smtp.messages == []


def test_admins_see_the_backlog_and_retry(app, client_as, db, req, smtp_server, smtp_down):
    agent = client_as("agent")
    submit(agent, req.reference, handling_form(agent, req.reference), body="Answer")
    admin = client_as("admin")
    page = admin.get("/admin/outbox").get_data(as_text=True)
    assert "Waiting to be sent: 1 " in page and "Could not send mail via 127.0.0.1" in page
    assert client_as("agent").get("/admin/outbox").status_code in (403, 404)
    (row,) = rows(db)
    app.config["MAIL_URL"] = smtp_server.url
    token = csrf_token(admin, "/admin/outbox")
    response = admin.post(f"/admin/outbox/{row.id}/retry", data={"csrf_token": token}, follow_redirects=True)
    assert "The mail was sent." in response.get_data(as_text=True)
    assert len(smtp_server.messages) == 1
    assert "No mail is waiting." in admin.get("/admin/outbox").get_data(as_text=True)
    assert rows(db)[0].state == OutboxState.SENT


def test_without_a_working_redis_the_mail_is_sent_from_the_web_process(app, client_as, req, mail_to_smtp):
    app.config["REDIS_URL"], previous = "redis://127.0.0.1:1/0", app.config["REDIS_URL"]
    try:
        agent = client_as("agent")
        submit(agent, req.reference, handling_form(agent, req.reference), body="Answer")
    finally:
        app.config["REDIS_URL"] = previous
    assert len(mail_to_smtp.messages) == 1


def test_with_redis_the_mail_goes_to_the_worker(app, client_as, db, req, mail_to_smtp):
    import redis
    from rq import Queue

    url = "redis://127.0.0.1:6379/11"
    queue = Queue("shopkeeper", connection=redis.Redis.from_url(url))
    queue.empty()
    app.config["REDIS_URL"], previous = url, app.config["REDIS_URL"]
    try:
        agent = client_as("agent")
        submit(agent, req.reference, handling_form(agent, req.reference), body="Answer from the worker")
        assert mail_to_smtp.messages == []  # the web process only queued it
        (job,) = queue.get_jobs()
        assert job.func is outbox.flush_job
        app.config["REDIS_URL"] = previous
        outbox.run_flush(app, *job.args)  # what the worker does, in this app
    finally:
        app.config["REDIS_URL"] = previous
        queue.empty()
    (mail,) = mail_to_smtp.messages
    assert "Answer from the worker" in mail.get_body(("plain",)).get_content()
    assert rows(db)[0].state == OutboxState.SENT

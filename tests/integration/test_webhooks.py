"""Webhooks against a real HTTP receiver: signature, retries with backoff, pausing, admin pages, events."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from knowledge_base.db import utcnow
from portal.models import AuditLog, WebhookAttempt, WebhookDelivery, WebhookSubscription
from portal.webhooks import delivery, verify_signature
from portal.webhooks.events import EVENTS
from tests.conftest import csrf_token
from tests.integration.requests_helpers import make_request
from tests.integration.webhook_helpers import receiver, subscribe


def deliveries(db) -> list[WebhookDelivery]:
    db.expire_all()
    return list(db.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_a_delivery_is_signed_by_the_documented_recipe(app, db, users):
    with receiver() as hook:
        subscribe(db, hook.url)
        request = make_request(app, db, users["customer"])  # commit -> sent after commit, off the thread
        delivery.wait_for_pending(app)
    (got,) = hook.received
    body, headers = got.body, got.headers
    # the README recipe, with nothing but the standard library
    expected = hmac.new(
        b"whsec_test-secret", headers["X-Shopkeeper-Timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-Shopkeeper-Signature"] == f"sha256={expected}"
    assert headers["X-Shopkeeper-Event"] == "request.created"
    assert abs(int(headers["X-Shopkeeper-Timestamp"]) - time.time()) < 60
    assert verify_signature(
        "whsec_test-secret", body, headers["X-Shopkeeper-Timestamp"], headers["X-Shopkeeper-Signature"]
    )
    assert not verify_signature(
        "other-secret", body, headers["X-Shopkeeper-Timestamp"], headers["X-Shopkeeper-Signature"]
    )
    tampered = body.replace(b"request.created", b"request.updated")
    assert not verify_signature(
        "whsec_test-secret", tampered, headers["X-Shopkeeper-Timestamp"], headers["X-Shopkeeper-Signature"]
    )
    stale = time.time() + 3600
    assert not verify_signature(
        "whsec_test-secret",
        body,
        headers["X-Shopkeeper-Timestamp"],
        headers["X-Shopkeeper-Signature"],
        now=stale,
    )
    payload = json.loads(body)
    assert payload["event"] == "request.created" and payload["id"] == headers["X-Shopkeeper-Event-Id"]
    assert payload["data"]["reference"] == request.reference and payload["data"]["status"] == "new"
    assert "Water under the machine" not in body.decode() and "customer@example.com" not in body.decode()
    (row,) = deliveries(db)
    assert row.status == "delivered" and row.attempts == 1 and row.last_status_code == 200


def test_a_receiver_failing_three_times_gets_the_retries_with_backoff(app, db, users):
    app.config["WEBHOOK_SEND_AFTER_COMMIT"] = False  # this test drives the clock itself
    try:
        with receiver(codes=[500, 503, 502, 200]) as hook:
            subscribe(db, hook.url)
            make_request(app, db, users["customer"])
            (row,) = deliveries(db)
            moment = utcnow()
            schedule = []
            with app.app_context():
                for _ in range(4):
                    assert delivery.deliver_due(db, timeout=5, now=moment) == 1
                    assert delivery.deliver_due(db, timeout=5, now=moment) == 0  # not due again yet
                    db.expire_all()
                    row = db.get(WebhookDelivery, row.id)
                    if row.next_attempt_at is not None:
                        schedule.append(
                            round((delivery._aware(row.next_attempt_at) - moment).total_seconds())
                        )
                        moment = delivery._aware(row.next_attempt_at)
        assert len(hook.received) == 4
        first_id = json.loads(hook.received[0].body)["id"]
        assert {json.loads(r.body)["id"] for r in hook.received} == {first_id}  # same event, retried
        assert schedule == [60, 300, 1800]
        attempts = db.scalars(
            select(WebhookAttempt).where(WebhookAttempt.delivery_id == row.id).order_by(WebhookAttempt.id)
        ).all()
        assert [a.status_code for a in attempts] == [500, 503, 502, 200]
        assert attempts[0].error.startswith("HTTP 500") and attempts[-1].error == ""
        assert row.status == "delivered" and row.attempts == 4
        assert db.get(WebhookSubscription, row.subscription_id).failing_since is None
    finally:
        app.config["WEBHOOK_SEND_AFTER_COMMIT"] = True


def test_an_unreachable_receiver_is_logged_and_the_cli_retries(app, db, users):
    app.config["WEBHOOK_SEND_AFTER_COMMIT"] = False
    try:
        with receiver() as hook:
            url = hook.url
        subscribe(db, url)  # the server is gone: connection refused
        make_request(app, db, users["customer"])
        runner = app.test_cli_runner()
        result = runner.invoke(args=["webhooks", "deliver"])
        assert result.exit_code == 0 and "Made 1 delivery attempt" in result.output
        (row,) = deliveries(db)
        assert row.status == "pending" and row.attempts == 1 and row.last_status_code is None
        assert row.attempt_log[0].error.startswith("ConnectError")
        assert "Made 0" in runner.invoke(args=["webhooks", "deliver"]).output  # cron-safe: not due yet
        with receiver() as hook:
            row.subscription.url = hook.url
            row.next_attempt_at = utcnow() - timedelta(seconds=1)
            db.commit()
            assert "Made 1" in runner.invoke(args=["webhooks", "deliver"]).output
        assert len(hook.received) == 1 and deliveries(db)[0].status == "delivered"
    finally:
        app.config["WEBHOOK_SEND_AFTER_COMMIT"] = True


def test_a_claimed_delivery_is_not_sent_twice(app, db, users):
    app.config["WEBHOOK_SEND_AFTER_COMMIT"] = False
    try:
        with receiver() as hook:
            subscribe(db, hook.url)
            make_request(app, db, users["customer"])
            (row,) = deliveries(db)
            now = utcnow()
            assert delivery.claim(db, row.id, now)
            assert not delivery.claim(db, row.id, now)  # a second sender finds it taken
            with app.app_context():
                assert delivery.deliver_due(db, timeout=5, now=now) == 0
            assert hook.received == []
    finally:
        app.config["WEBHOOK_SEND_AFTER_COMMIT"] = True


def test_a_subscription_failing_for_a_day_is_paused_with_a_notice(app, db, users, client_as):
    app.config["WEBHOOK_SEND_AFTER_COMMIT"] = False
    try:
        with receiver(codes=[500]) as hook:
            subscription = subscribe(db, hook.url)
            make_request(app, db, users["customer"])
            start = utcnow()
            with app.test_request_context():
                delivery.deliver_due(db, timeout=5, now=start)
                db.expire_all()
                assert db.get(WebhookSubscription, subscription.id).active
                make_request(app, db, users["customer"], subject="Second")
                delivery.deliver_due(db, timeout=5, now=start + timedelta(hours=24, minutes=1))
        db.expire_all()
        paused = db.get(WebhookSubscription, subscription.id)
        assert not paused.active and paused.paused_reason == "failing"
        assert db.scalar(select(AuditLog).where(AuditLog.action == "webhook.paused_failing")) is not None
        outbox = Path(app.config["INSTANCE_PATH"]) / "outbox"
        mails = [p.read_text() for p in outbox.glob("*.eml")]
        assert any("admin@example.com" in m and "A webhook was paused" in m for m in mails)
        page = client_as("admin").get("/admin/users").get_data(as_text=True)
        assert "paused because their deliveries failed for 24 hours: 1" in page
        # nothing goes to a paused subscription; resuming sends what waited
        with receiver() as hook:
            paused.url = hook.url
            db.commit()
            with app.app_context():
                assert delivery.deliver_due(db, timeout=5, now=start + timedelta(days=3)) == 0
            admin = client_as("admin")
            detail = f"/admin/webhooks/{subscription.id}"
            admin.post(f"{detail}/resume", data={"csrf_token": csrf_token(admin, detail)})
            with app.app_context():
                assert delivery.deliver_due(db, timeout=5) == 2
        assert hook.events() == ["request.created", "request.created"]
        assert "paused because" not in client_as("admin").get("/admin/users").get_data(as_text=True)
    finally:
        app.config["WEBHOOK_SEND_AFTER_COMMIT"] = True


def create_form(client, **fields):
    data = {"url": "https://crm.example.com/hooks", "description": "CRM", "events": ["request.created"]}
    data.update(fields)
    data["csrf_token"] = csrf_token(client, "/admin/webhooks/")
    return client.post("/admin/webhooks/", data=data)


def test_admin_subscribes_sees_the_secret_once_and_it_is_audited(app, db, users, client_as):
    admin = client_as("admin")
    response = create_form(admin, events=["request.created", "message.created"])
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    secret = re.search(r'id="webhook-secret">([^<]+)<', response.get_data(as_text=True)).group(1)
    subscription = db.scalar(select(WebhookSubscription))
    assert subscription.secret == secret and subscription.events == ["request.created", "message.created"]
    for url in ("/admin/webhooks/", f"/admin/webhooks/{subscription.id}"):
        assert secret not in admin.get(url).get_data(as_text=True)
    entry = db.scalar(select(AuditLog).where(AuditLog.action == "webhook.created"))
    assert entry.actor_id == users["admin"].id and entry.target == f"webhook:{subscription.id}"
    assert secret not in json.dumps(entry.details)
    subscription_id = subscription.id
    detail = f"/admin/webhooks/{subscription_id}"
    rotated = admin.post(f"{detail}/rotate", data={"csrf_token": csrf_token(admin, detail)})
    new_secret = re.search(r'id="webhook-secret">([^<]+)<', rotated.get_data(as_text=True)).group(1)
    db.expire_all()
    assert new_secret != secret and db.get(WebhookSubscription, subscription_id).secret == new_secret
    assert db.scalar(select(AuditLog).where(AuditLog.action == "webhook.secret_rotated")) is not None
    admin.post(f"{detail}/delete", data={"csrf_token": csrf_token(admin, detail)})
    db.expire_all()
    assert db.get(WebhookSubscription, subscription_id) is None
    assert db.scalar(select(AuditLog).where(AuditLog.action == "webhook.deleted")) is not None


def test_bad_addresses_and_events_are_refused_with_the_input_kept(app, db, users, client_as):
    admin = client_as("admin")
    for url in (
        "https://user:pw@crm.example.com/h",
        "ftp://crm.example.com/h",
        "javascript:alert(1)",
        "",
        "https://",
    ):
        response = create_form(admin, url=url)
        assert response.status_code == 400, url
    response = create_form(admin, events=[])
    assert response.status_code == 400 and "Choose at least one event" in response.get_data(as_text=True)
    response = create_form(admin, events=["user.deleted"])
    assert response.status_code == 400 and 'value="https://crm.example.com/hooks"' in response.get_data(
        as_text=True
    )
    assert db.scalar(select(WebhookSubscription)) is None


def test_only_admins_reach_the_webhook_pages(app, db, users, client_as, client):
    subscription = subscribe(db, "https://crm.example.com/h")
    for role in ("customer", "agent", "marketer"):
        assert client_as(role).get("/admin/webhooks/").status_code == 403
        assert client_as(role).get(f"/admin/webhooks/{subscription.id}").status_code == 403
    assert client.get("/admin/webhooks/").status_code == 302
    assert client_as("admin").get("/admin/webhooks/999999").status_code == 404


def test_send_test_event_pause_and_delivery_log(app, db, users, client_as):
    admin = client_as("admin")
    with receiver(codes=[418, 200]) as hook:
        subscription = subscribe(db, hook.url, events=["request.created"])
        detail = f"/admin/webhooks/{subscription.id}"
        admin.post(f"{detail}/test", data={"csrf_token": csrf_token(admin, detail)})
        delivery.wait_for_pending(app)
        assert hook.events() == ["ping"]
        page = admin.get(detail).get_data(as_text=True)
        assert "ping" in page and "418" in page and "HTTP 418" in page
        admin.post(f"{detail}/pause", data={"csrf_token": csrf_token(admin, detail)})
        make_request(app, db, users["customer"])
        delivery.wait_for_pending(app)
        assert hook.events() == ["ping"]  # paused: the new event waits
        (failed_ping,) = [d for d in deliveries(db) if d.event == "ping"]
        admin.post(
            f"/admin/webhooks/deliveries/{failed_ping.id}/redeliver",
            data={"csrf_token": csrf_token(admin, detail)},
        )
        admin.post(f"{detail}/resume", data={"csrf_token": csrf_token(admin, detail)})
        delivery.wait_for_pending(app)
        with app.app_context():
            delivery.deliver_due(db, timeout=5, now=utcnow() + timedelta(minutes=2))
    assert sorted(hook.events()) == ["ping", "ping", "ping", "request.created"]
    actions = set(db.scalars(select(AuditLog.action)))
    assert {"webhook.test_sent", "webhook.paused", "webhook.resumed", "webhook.redelivered"} <= actions


def test_events_from_the_portal_reach_the_subscribers(app, db, users, client_as):
    from tests.integration.requests_helpers import handling_form

    with receiver() as hook:
        subscribe(db, hook.url, events=list(EVENTS))
        customer = client_as("customer")
        request = make_request(app, db, users["customer"])
        customer.post(
            f"/requests/{request.reference}/reply",
            data={
                "body": "More details.",
                "csrf_token": csrf_token(customer, f"/requests/{request.reference}"),
            },
        )
        agent = client_as("agent")
        form = handling_form(agent, request.reference)
        form.update({"body": "We are on it.", "status": "waiting_on_customer", "priority": "high"})
        assert agent.post(f"/staff/requests/{request.reference}", data=form).status_code == 302
        delivery.wait_for_pending(app)
        from portal.auth.services import create_user

        with app.test_request_context():
            create_user(
                db,
                email="new@example.com",
                name="New Person",
                password="x" * 12,
                hash_params={"time_cost": 1, "memory_cost": 1024},
            )
        db.commit()
        delivery.wait_for_pending(app)
        time.sleep(0.2)
        delivery.wait_for_pending(app)
    events = hook.events()
    assert events.count("request.created") == 1 and events.count("customer.created") == 1
    assert events.count("message.created") == 2 and events.count("request.updated") == 1
    updated = next(
        json.loads(r.body) for r in hook.received if r.headers["X-Shopkeeper-Event"] == "request.updated"
    )
    assert (
        updated["data"]["changes"] == ["priority", "status"]
        and updated["data"]["status"] == "waiting_on_customer"
    )
    bodies = b"".join(r.body for r in hook.received)
    assert (
        b"More details" not in bodies and b"We are on it" not in bodies and b"new@example.com" not in bodies
    )


def test_article_published_and_suggestion_approved_are_events(app, db, users, client_as):
    from tests.integration.marketing_helpers import article_with_suggestions
    from tests.integration.test_kb_curation import review
    from tests.integration.test_kb_review import latest_revision, save_edit
    from tests.integration.test_marketing import approve

    with receiver() as hook:
        subscribe(db, hook.url, events=["suggestion.approved", "article.published"])
        article, suggestions = article_with_suggestions(app, db)  # published without the web: no event
        approve(client_as("marketer"), suggestions["washing-machine"])
        delivery.wait_for_pending(app)
        assert save_edit(client_as("agent"), slug="care").status_code == 302
        revision = latest_revision(db, article.id)
        assert review(client_as("admin"), "care", revision.id, "approve").status_code == 302
        delivery.wait_for_pending(app)
    approved, published = (json.loads(r.body) for r in hook.received)
    assert approved["event"] == "suggestion.approved"
    assert approved["data"]["suggestion_id"] == suggestions["washing-machine"].id
    assert published["event"] == "article.published"
    assert published["data"] == {
        "article_id": article.id,
        "slug": "care",
        "locale": "en",
        "revision_id": revision.id,
    }


def test_no_subscription_no_delivery_rows(app, db, users):
    make_request(app, db, users["customer"])
    assert deliveries(db) == []


def test_with_redis_the_rq_worker_sends_after_the_commit(app, db, users, monkeypatch):
    """With PORTAL_REDIS_URL the web process only queues a job; the worker posts."""
    from rq import SimpleWorker

    from portal import jobs

    monkeypatch.setenv("PORTAL_DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("PORTAL_INSTANCE", app.config["INSTANCE_PATH"])
    monkeypatch.setenv("PORTAL_SECRET_KEY", app.config["SECRET_KEY"])
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:6379/13")
    queue = jobs.queue(app)
    queue.empty()
    try:
        with receiver() as hook:
            subscribe(db, hook.url)
            make_request(app, db, users["customer"])
            delivery.wait_for_pending(app)
            assert hook.received == []  # nothing was sent from the web process
            assert [job.func_name for job in queue.jobs] == ["portal.webhooks.delivery.deliver_job"]
            SimpleWorker([queue], connection=queue.connection).work(burst=True)
        assert hook.events() == ["request.created"]
        assert deliveries(db)[0].status == "delivered"
    finally:
        queue.empty()
        queue.connection.close()

"""Batched rows (impressions, search log) never fail a reader's page, are written on a timer and at
worker exit, keep the good rows of a failing batch, and are counted by the reports of this worker;
the memoised page's slots and the /go/ proofs are keyed apart from anything a writer controls."""

import csv
import hashlib
import hmac
import io
import os
import subprocess
import sys
import time
from pathlib import Path

from flask import g
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import generate_csrf
from sqlalchemy import func, select

from knowledge_base.db import utcnow
from portal import chrome
from portal.cache import cache, generation
from portal.cache_events import LINKS
from portal.marketing import impressions, linking
from portal.models import LinkEvent, LinkSuggestion, SearchLog
from tests.integration.kb_helpers import publish_article
from tests.integration.marketing_helpers import article_with_suggestions
from tests.integration.test_marketing import approve

ROOT = Path(__file__).resolve().parents[2]


def _impressions(db) -> list[LinkEvent]:
    db.expire_all()
    return db.scalars(select(LinkEvent).where(LinkEvent.kind == "impression")).all()


def _wait_for(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_an_article_page_after_another_workers_rescan_answers_and_writes_its_impressions(
    app, client_as, db, users
):
    article, suggestions = article_with_suggestions(app, db)
    router = suggestions["router"]
    approve(client_as("marketer"), router)
    customer = client_as("customer")
    assert customer.get("/kb/en/a/care").status_code == 200  # this worker caches the approved links
    links = f"shopkeeper:generation:{LINKS}"
    with app.app_context():
        seen = generation(LINKS)
        linking.scan_article(db, article)  # another worker rescans: the suggestion rows are replaced
        db.commit()
        cache().set(links, seen)  # ... and this worker's cache is not told (up to LINKS_TTL)
    assert db.get(LinkSuggestion, router.id) is None
    page = customer.get("/kb/en/a/care")
    assert page.status_code == 200
    assert f'href="/go/{router.id}?' in page.get_data(as_text=True)  # from the stale cache
    rows = _impressions(db)
    assert len(rows) == 2
    # the replaced suggestion's id is gone from both (the foreign key nulls the one written before)
    assert [(r.suggestion_id, r.offer_id) for r in rows] == [(None, router.offer_id)] * 2


def test_a_batch_the_database_refuses_costs_neither_the_page_nor_the_other_rows(app, client_as, db, users):
    publish_article(app, db)
    app.config["SEARCH_LOG_FLUSH_SECONDS"] = 3600
    app.extensions.pop("kb_search_logs", None)
    customer = client_as("customer")
    customer.get("/kb/en/search?q=router")
    pending_rows = app.extensions["kb_search_logs"]
    pending_rows._rows.append(
        {"query": None, "locale": "en", "results": 0, "created_at": utcnow()}
    )  # NOT NULL
    pending_rows._flush_seconds = 0
    assert customer.get("/kb/en/search?q=shelf").status_code == 200
    db.expire_all()
    assert sorted(db.scalars(select(SearchLog.query))) == ["router", "shelf"]
    assert len(pending_rows) == 0  # the bad row is dropped, not retried forever


def test_rows_are_kept_when_the_database_cannot_take_them(app):
    from sqlalchemy.exc import OperationalError

    def unreachable(session, rows):
        raise OperationalError("INSERT", {}, Exception("server closed the connection"))

    pending_rows = impressions.PendingImpressions(app, unreachable, 3600)
    pending_rows.add([{"n": 1}, {"n": 2}])
    assert pending_rows.flush() == 0
    assert [row["n"] for row in pending_rows.snapshot()] == [1, 2]
    pending_rows.take()  # nothing left for the exit


def test_impressions_are_written_on_time_without_another_request(app, client_as, db, users):
    _article, suggestions = article_with_suggestions(app, db)
    approve(client_as("marketer"), suggestions["router"])
    app.config["IMPRESSION_FLUSH_SECONDS"] = 0.3
    app.extensions.pop("link_impressions", None)
    assert client_as("customer").get("/kb/en/a/care").status_code == 200
    assert _wait_for(lambda: len(_impressions(db)) == 1), "nothing wrote the impression"


def test_pending_searches_are_written_when_the_worker_exits(app, db, tmp_path):
    env = dict(os.environ)
    env.update(
        PORTAL_DATABASE_URL=app.config["DATABASE_URL"],
        PORTAL_SECRET_KEY=app.config["SECRET_KEY"],
        PORTAL_INSTANCE=str(tmp_path),
        PORTAL_SEARCH_LOG_FLUSH_SECONDS="3600",
    )
    script = (
        "from portal import create_app\n"
        "from portal.kb import search_service\n"
        "app = create_app()\n"
        "with app.test_request_context():\n"
        "    search_service.log_search('kept until exit', 'en', 0)\n"
        "assert len(app.extensions['kb_search_logs']) == 1\n"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    db.expire_all()
    assert list(db.scalars(select(SearchLog.query))) == ["kept until exit"]


def test_the_link_report_counts_this_workers_unwritten_impressions(app, client_as, db, users):
    _article, suggestions = article_with_suggestions(app, db)
    marketer = client_as("marketer")
    approve(marketer, suggestions["router"])
    app.config["IMPRESSION_FLUSH_SECONDS"] = 3600
    app.extensions.pop("link_impressions", None)
    client_as("customer").get("/kb/en/a/care")
    assert db.scalar(select(func.count(LinkEvent.id))) == 0
    report = marketer.get("/marketing/reports?format=csv").get_data(as_text=True)
    rows = {(r[0], r[1]): r for r in csv.reader(io.StringIO(report))}
    assert rows[("offer", "router")][6] == "1"  # impressions


def test_the_dashboard_counts_this_workers_unwritten_searches(app, client_as, db, users):
    publish_article(app, db)
    app.config["SEARCH_LOG_FLUSH_SECONDS"] = 3600
    app.extensions.pop("kb_search_logs", None)
    client_as("customer").get("/kb/en/search?q=zebra-crossing")
    assert db.scalar(select(func.count(SearchLog.id))) == 0
    assert "zebra-crossing" in client_as("admin").get("/staff/insights").get_data(as_text=True)


def test_content_holding_a_slot_marker_gets_no_csrf_token(app):
    title = "<h1>Tips \x00token\x00 \x00name\x00 \x00path\x00</h1>"
    with app.test_request_context("/kb/en/a/tips"):
        setattr(g, chrome.SLOTS_KEPT, True)
        page = title + str(chrome.csrf_field())  # as memoised: the form's token is a slot
        setattr(g, chrome.SLOTS_KEPT, False)
        filled = chrome.fill_slots(page, AnonymousUserMixin())
        token = generate_csrf()
    assert filled.startswith(title)
    assert filled.count(token) == 1
    assert filled.endswith(f'value="{token}">')


def test_go_link_proofs_are_not_made_with_the_raw_secret_key():
    secret, visitor, now = "k" * 40, "user:7", 1_000_000 * 3600.0
    hour = int(now // 3600)
    raw = hmac.new(secret.encode(), f"impression\n5\n{visitor}\n{hour}".encode(), hashlib.sha256)
    assert not impressions.shown_by_signature(secret, 5, visitor, f"{hour}.{raw.hexdigest()[:32]}", now=now)
    assert impressions.shown_by_signature(
        secret, 5, visitor, impressions.signature(secret, 5, visitor, now), now
    )

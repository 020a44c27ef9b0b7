"""Marketing: offers, suggestions and review, safe rendering per customer, clicks and reports."""

import io
import json
from datetime import date, timedelta

from sqlalchemy import select

from linker.reasons import text_of
from portal.models import BlockTerm, LinkEvent, LinkSuggestion, Offer, OfferStatus, SuggestionState
from tests.conftest import csrf_token
from tests.integration.marketing_helpers import (
    article_with_suggestions,
    new_revision,
    open_request_about,
)


def approve(client, suggestion):
    return client.post(
        f"/marketing/suggestions/{suggestion.id}/approve",
        data={"csrf_token": csrf_token(client, "/marketing/suggestions")},
    )


def test_publishing_stores_suggestions_with_reasons(app, db):
    _article, suggestions = article_with_suggestions(app, db)
    assert set(suggestions) == {"washing-machine", "router"}
    item = suggestions["washing-machine"]
    assert item.state == SuggestionState.PENDING and item.matched_text == "washing machine"
    assert item.sentence.startswith("Clean the pump filter")
    assert text_of(item.reasons[0]).startswith("match:lemma")


def test_blocked_candidates_are_stored_with_the_reason_and_never_render(app, client_as, db, users):
    article, suggestions = article_with_suggestions(
        app, db, body="A man died in a fire caused by a washing machine.\n\nThe router was fine."
    )
    assert {s.state for s in suggestions.values()} == {SuggestionState.BLOCKED}
    assert any("tragedy" in text_of(r) for r in suggestions["washing-machine"].reasons)
    marketer = client_as("marketer")
    assert approve(marketer, suggestions["washing-machine"]).status_code == 302
    db.expire_all()
    assert db.get(LinkSuggestion, suggestions["washing-machine"].id).state == SuggestionState.BLOCKED
    assert "/go/" not in client_as("customer").get("/kb/en/a/care").get_data(as_text=True)
    queue = marketer.get("/marketing/suggestions?state=blocked").get_data(as_text=True)
    assert "document:tragedy" in queue


def test_approved_link_renders_only_for_welcome_readers(app, client, client_as, db, users):
    _article, suggestions = article_with_suggestions(app, db)
    marketer = client_as("marketer")
    approve(marketer, suggestions["washing-machine"])
    approve(marketer, suggestions["router"])
    page = client_as("customer").get("/kb/en/a/care").get_data(as_text=True)
    go = f'href="/go/{suggestions["washing-machine"].id}?s='
    assert go in page and 'rel="sponsored noopener"' in page and "(sponsored)" in page
    assert "/go/" not in client_as("customer2").get("/kb/en/a/care").get_data(as_text=True)  # no consent
    assert "/go/" not in client.get("/kb/en/a/care").get_data(as_text=True)  # anonymous: site default off
    open_request_about(db, users["customer"], "washing-machine")
    page = client_as("customer").get("/kb/en/a/care").get_data(as_text=True)
    assert go not in page and f"/go/{suggestions['router'].id}" in page


def test_segments_and_offer_status_and_dates_apply(app, client_as, db, users):
    _article, suggestions = article_with_suggestions(app, db)
    approve(client_as("marketer"), suggestions["router"])
    router = db.scalar(select(Offer).where(Offer.code == "router"))
    customer = client_as("customer")
    router.segments = ["premium"]
    db.commit()
    assert "/go/" not in customer.get("/kb/en/a/care").get_data(as_text=True)
    router.segments, router.active_until = [], date.today() - timedelta(days=1)
    db.commit()
    assert "/go/" not in customer.get("/kb/en/a/care").get_data(as_text=True)
    router.active_until, router.status = None, OfferStatus.PAUSED
    db.commit()
    assert "/go/" not in customer.get("/kb/en/a/care").get_data(as_text=True)
    router.status = OfferStatus.ACTIVE
    db.commit()
    assert "/go/" in customer.get("/kb/en/a/care").get_data(as_text=True)


def test_go_redirects_only_to_registered_urls_and_counts_clicks(app, client_as, db, users):
    _article, suggestions = article_with_suggestions(app, db)
    approve(client_as("marketer"), suggestions["router"])
    customer = client_as("customer")
    customer.get("/kb/en/a/care")  # the impression a counted click needs
    response = customer.get(f"/go/{suggestions['router'].id}")
    assert response.status_code == 302 and response.headers["Location"] == "https://shop.example.com/router"
    assert db.scalar(select(LinkEvent).where(LinkEvent.kind == "click")).user_id == users["customer"].id
    for bad in (
        f"/go/{suggestions['washing-machine'].id}",
        "/go/999999",
        "/go/abc",
        "/go/1?next=https://evil.example",
        "/go/https://evil.example",
    ):
        assert customer.get(bad).status_code == 404
    client_as("marketer").post(
        f"/marketing/suggestions/{suggestions['router'].id}/reject",
        data={"csrf_token": csrf_token(client_as("marketer"), "/marketing/suggestions")},
    )
    assert customer.get(f"/go/{suggestions['router'].id}").status_code == 404


def test_approvals_survive_unchanged_sentences_and_reset_when_changed(app, client_as, db):
    article, suggestions = article_with_suggestions(app, db)
    marketer = client_as("marketer")
    approve(marketer, suggestions["washing-machine"])
    approve(marketer, suggestions["router"])
    body = (
        "Clean the pump filter of your washing machine every three months.\n\n"
        "Put the router on a high shelf so the signal reaches every room."
    )
    again = new_revision(app, db, article, body)
    assert again["washing-machine"].state == SuggestionState.APPROVED
    assert again["router"].state == SuggestionState.PENDING


def test_bulk_review_and_exclude_words_and_blocklist(app, client_as, db):
    _article, suggestions = article_with_suggestions(app, db)
    marketer = client_as("marketer")
    token = csrf_token(marketer, "/marketing/suggestions")
    ids = [str(s.id) for s in suggestions.values()]
    marketer.post("/marketing/suggestions/bulk", data={"ids": ids, "action": "reject", "csrf_token": token})
    db.expire_all()
    assert {s.state for s in db.scalars(select(LinkSuggestion))} == {SuggestionState.REJECTED}
    marketer.post(
        f"/marketing/suggestions/{suggestions['router'].id}/exclude",
        data={"word": "shelf", "csrf_token": token},
    )
    db.expire_all()
    assert db.scalar(select(Offer).where(Offer.code == "router")).exclude_context == {"en": ["shelf"]}
    marketer.post(
        "/marketing/blocklist",
        data={
            "locale": "en",
            "term": "filter",
            "category": "brand",
            "reason": "test",
            "csrf_token": csrf_token(marketer, "/marketing/blocklist"),
        },
    )
    assert db.scalar(select(BlockTerm)).term == "filter"
    marketer.post("/marketing/rescan", data={"csrf_token": token})
    db.expire_all()
    latest = db.scalars(select(LinkSuggestion).order_by(LinkSuggestion.id.desc())).all()
    assert all(s.state == SuggestionState.BLOCKED for s in latest[:2])
    assert any("blocklist (filter)" in text_of(r) for s in latest[:2] for r in s.reasons)


def test_offer_form_validates_and_import_export_round_trip(client_as, db):
    marketer = client_as("marketer")
    token = csrf_token(marketer, "/marketing/offers/new")
    bad = marketer.post(
        "/marketing/offers/new",
        data={
            "code": "evil",
            "title": "Evil",
            "url": "javascript:alert(1)",
            "phrases": "en: evil",
            "csrf_token": token,
        },
    )
    assert "http(s) URL" in bad.get_data(as_text=True) and db.scalar(select(Offer)) is None
    bad = marketer.post(
        "/marketing/offers/new",
        data={
            "code": "x",
            "url": "https://shop.example.com/x",
            "phrases": "de: waschmaschine",
            "csrf_token": token,
        },
    )
    assert "unsupported language" in bad.get_data(as_text=True)
    good = marketer.post(
        "/marketing/offers/new",
        data={
            "code": "tablet",
            "title": "Tablets",
            "url": "https://shop.example.com/tablets",
            "phrases": "en: tablet",
            "require_context": "en: screen, battery",
            "segments": "standard",
            "csrf_token": token,
        },
    )
    assert good.status_code == 302
    exported = json.loads(marketer.get("/marketing/offers/export").get_data(as_text=True))
    assert exported[0]["id"] == "tablet" and exported[0]["require_context"] == {"en": ["screen", "battery"]}
    exported[0]["title"] = "Tablets and e-readers"
    marketer.post(
        "/marketing/offers/import",
        data={"file": (io.BytesIO(json.dumps(exported).encode()), "o.json"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    db.expire_all()
    assert db.scalar(select(Offer)).title == "Tablets and e-readers"


def test_reports_count_impressions_clicks_and_export_csv(app, client_as, db):
    _article, suggestions = article_with_suggestions(app, db)
    approve(client_as("marketer"), suggestions["router"])
    customer = client_as("customer")
    customer.get("/kb/en/a/care")
    customer.get("/kb/en/a/care")
    customer.get(f"/go/{suggestions['router'].id}")
    report = client_as("marketer").get("/marketing/reports").get_data(as_text=True)
    assert "<td>router</td>" in report and "50.0%" in report
    csv_text = client_as("marketer").get("/marketing/reports?format=csv").get_data(as_text=True)
    assert "offer,router,1,1,0,0,2,1,0.5000" in csv_text


def test_preview_marks_pending_and_approved_links(app, client_as, db):
    _article, suggestions = article_with_suggestions(app, db)
    approve(client_as("marketer"), suggestions["router"])
    html = client_as("marketer").get("/marketing/preview/care?locale=en").get_data(as_text=True)
    assert 'data-state="approved"' in html and 'data-state="pending"' in html


def test_rescan_cli(app, db):
    article_with_suggestions(app, db)
    result = app.test_cli_runner().invoke(args=["linker", "rescan", "--offer", "router"])
    assert "stored 1 suggestion" in result.output


def test_rendered_links_are_cached_in_redis_when_configured(app, client_as, db):
    import redis

    from portal.cache import RedisCache

    _article, suggestions = article_with_suggestions(app, db)
    approve(client_as("marketer"), suggestions["router"])
    previous = app.extensions.pop("cache", None)
    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    try:
        server = redis.Redis.from_url(app.config["REDIS_URL"])
        server.flushdb()
        page = client_as("customer").get("/kb/en/a/care").get_data(as_text=True)
        assert isinstance(app.extensions["cache"], RedisCache)
        keys = server.keys("shopkeeper:links:*")
        assert len(keys) == 1 and b"/go/" in server.get(keys[0])
        assert "/go/" in page
    finally:
        app.config["REDIS_URL"] = None
        app.extensions["cache"] = previous if previous is not None else app.extensions.pop("cache")
        server.flushdb()


def test_publishing_queues_the_scan_on_a_worker_when_redis_is_configured(app, client_as, db, monkeypatch):
    from redis import Redis
    from rq import SimpleWorker

    from knowledge_base import workflow
    from portal import jobs
    from tests.integration.marketing_helpers import offer

    offer(db, code="router", phrase="router", kind="router")
    article = workflow.create_article(
        db,
        slug="queued",
        locale="en",
        category=None,
        author_id=None,
        draft=workflow.Draft("Queued", "Place the router high.", []),
    )
    workflow.submit_for_review(db, article.revisions[0])
    db.commit()
    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/14"
    Redis.from_url(app.config["REDIS_URL"]).flushdb()
    try:
        admin = client_as("admin")
        url = f"/staff/kb/queued/review/{article.revisions[0].id}?locale=en"
        admin.post(
            url, data={"decision": "approve", "review_comment": "", "csrf_token": csrf_token(admin, url)}
        )
        assert db.scalars(select(LinkSuggestion)).all() == []  # not scanned in the request
        with app.app_context():
            queue = jobs.queue()
        assert queue.count == 1
        monkeypatch.setenv("PORTAL_DATABASE_URL", app.config["DATABASE_URL"])
        monkeypatch.setenv("PORTAL_INSTANCE", app.config["INSTANCE_PATH"])
        monkeypatch.setenv("PORTAL_SECRET_KEY", app.config["SECRET_KEY"])
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        db.expire_all()
        assert [s.offer.code for s in db.scalars(select(LinkSuggestion))] == ["router"]
    finally:
        Redis.from_url(app.config["REDIS_URL"]).flushdb()
        app.config["REDIS_URL"] = None

"""Marketing hardening (issue #10): CSV injection, bounds on every input, strict offer URLs,
anti-inflation of votes and clicks, and link history that survives rescans."""

import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from knowledge_base.db import utcnow
from knowledge_base.errors import FieldError
from knowledge_base.models import Article, ArticleFeedback
from portal.marketing import offers, reports
from portal.models import BlockTerm, LinkEvent, LinkSuggestion, Offer, SuggestionState
from tests.conftest import csrf_token
from tests.integration.marketing_helpers import article_with_suggestions, new_revision

GOOD = {
    "code": "tablet",
    "title": "Tablets",
    "url": "https://shop.example.com/tablets",
    "phrases": "en: tablet",
}


def approve(client, suggestion):
    return client.post(
        f"/marketing/suggestions/{suggestion.id}/approve",
        data={"csrf_token": csrf_token(client, "/marketing/suggestions")},
    )


def post_offer(marketer, **changes):
    data = {**GOOD, **changes, "csrf_token": csrf_token(marketer, "/marketing/offers/new")}
    return marketer.post("/marketing/offers/new", data=data)


def import_offers(marketer, items):
    token = csrf_token(marketer, "/marketing/offers")
    return marketer.post(
        "/marketing/offers/import",
        data={"file": (io.BytesIO(json.dumps(items).encode()), "o.json"), "csrf_token": token},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def clicks(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count(LinkEvent.id)).where(LinkEvent.kind == "click"))


# --- 10: CSV formula injection and the offer-id alphabet ---------------------------------------


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_that_start_a_formula_are_escaped(value):
    assert reports.csv_cell(value) == "'" + value
    assert reports.csv_cell("router") == "router" and reports.csv_cell(3) == 3


def test_report_csv_export_escapes_formula_cells(app, client_as, db):
    _article, suggestions = article_with_suggestions(app, db)
    router = db.scalar(select(Offer).where(Offer.code == "router"))
    router.code = '=HYPERLINK("https://evil.example")'  # stored before codes were restricted
    blocked = suggestions["washing-machine"]
    blocked.state, blocked.reasons = SuggestionState.BLOCKED, ["@cmd (x)"]
    db.commit()
    csv_text = client_as("marketer").get("/marketing/reports?format=csv").get_data(as_text=True)
    assert 'offer,"\'=HYPERLINK(""https://evil.example"")",1,' in csv_text
    assert "'@cmd=1" in csv_text
    assert "\n=" not in csv_text and ",=" not in csv_text and ",@" not in csv_text


@pytest.mark.parametrize("code", ["Bad Code", "UPPER", "-lead", "a" * 65, "=cmd", "ok_no", "ünï"])
def test_offer_ids_outside_the_slug_alphabet_are_form_errors(client_as, db, code):
    response = post_offer(client_as("marketer"), code=code)
    assert response.status_code == 200
    assert "lowercase letters, digits and hyphens" in response.get_data(as_text=True)
    assert db.scalar(select(Offer)) is None


def test_slug_offer_ids_are_accepted(client_as, db):
    assert post_offer(client_as("marketer"), code="tablet-2026").status_code == 302
    assert db.scalar(select(Offer)).code == "tablet-2026"


def test_import_names_the_offer_with_a_bad_id_and_imports_nothing(client_as, db):
    good = {"id": "tablet", "url": "https://shop.example.com/t", "phrases": {"en": ["tablet"]}}
    bad = {**good, "id": "Bad Id"}
    page = import_offers(client_as("marketer"), [good, bad]).get_data(as_text=True)
    assert "Offer 2 (&#39;Bad Id&#39;)" in page and "lowercase letters" in page
    db.expire_all()
    assert db.scalar(select(Offer)) is None


# --- 12: over-long fields and huge values are form errors, never database errors -----------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("code", "a" * 81, "lowercase letters"),
        ("title", "T" * 161, "at most 160"),
        ("url", "https://shop.example.com/" + "a" * 500, "at most 500"),
        ("phrases", "en: " + "w" * 101, "at most 100"),
        ("require_context", "en: " + "w" * 101, "at most 100"),
        ("segments", "s" * 41, "at most 40"),
        ("segments", ",".join(f"s{i}" for i in range(21)), "at most 20"),
        ("product_kind", "k" * 61, "at most 60"),
    ],
)
def test_over_long_offer_fields_are_form_errors(client_as, db, field, value, message):
    response = post_offer(client_as("marketer"), **{field: value})
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert db.scalar(select(Offer)) is None


@pytest.mark.parametrize(
    "bad",
    [
        {"title": "T" * 161},
        {"segments": "premium"},
        {"segments": [{"a": 1}]},
        {"product_kind": ["x"]},
        {"phrases": {"en": ["p" * 101]}},
    ],
)
def test_over_long_or_mistyped_import_fields_are_errors(client_as, db, bad):
    item = {"id": "tablet", "url": "https://shop.example.com/t", "phrases": {"en": ["tablet"]}, **bad}
    page = import_offers(client_as("marketer"), [item])
    assert page.status_code == 200 and "Offer 1 (&#39;tablet&#39;)" in page.get_data(as_text=True)
    db.expire_all()
    assert db.scalar(select(Offer)) is None


@pytest.mark.parametrize(
    "query",
    [
        "from=9999-12-31",
        "to=9999-12-31",
        "from=0001-01-01",
        "from=garbage",
        "to=2026-13-45",
        "from=2026-05-01&to=2026-04-01",
    ],
)
def test_bad_report_periods_are_form_errors(client_as, db, query):
    marketer = client_as("marketer")
    page = marketer.get(f"/marketing/reports?{query}")
    assert page.status_code == 400 and 'class="field__errors"' in page.get_data(as_text=True)
    assert marketer.get(f"/marketing/reports?{query}&format=csv").status_code == 400


def test_report_period_rules():
    today = utcnow().date()
    start, end = reports.parse_period("2026-01-01", "2026-01-31", today)
    assert (end - start) == timedelta(days=31)
    with pytest.raises(FieldError) as caught:
        reports.parse_period("2026-02-01", "2026-01-01", today)
    assert caught.value.field == "end"
    with pytest.raises(FieldError) as caught:
        reports.parse_period("9999-12-31", "", today)
    assert caught.value.field == "start"


def test_huge_or_odd_suggestion_ids_in_bulk_forms_are_ignored(app, client_as, db):
    _article, suggestions = article_with_suggestions(app, db)
    marketer = client_as("marketer")
    token = csrf_token(marketer, "/marketing/suggestions")
    ids = ["99999999999999999999", "²", "-1", "0", str(suggestions["router"].id)]
    response = marketer.post(
        "/marketing/suggestions/bulk", data={"ids": ids, "action": "approve", "csrf_token": token}
    )
    assert response.status_code == 302
    db.expire_all()
    assert db.get(LinkSuggestion, suggestions["router"].id).state == SuggestionState.APPROVED


@pytest.mark.parametrize(
    ("field", "value"),
    [("term", "t" * 121), ("reason", "r" * 301), ("locale", "x" * 30), ("category", "c" * 50)],
)
def test_over_long_blocklist_fields_are_form_errors(client_as, db, field, value):
    marketer = client_as("marketer")
    data = {"locale": "en", "term": "brandname", "category": "brand", "reason": "", field: value}
    data["csrf_token"] = csrf_token(marketer, "/marketing/blocklist")
    response = marketer.post("/marketing/blocklist", data=data)
    assert response.status_code == 200 and 'class="field__errors"' in response.get_data(as_text=True)
    assert db.scalar(select(BlockTerm)) is None


# --- 13: strict offer URLs, on save, on import and in /go/ -----------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://shop.example.com/x\r\nSet-Cookie: a=b",
        "https://shop.example.com/a b",
        "https://shop.example.com/\x00",
        "https://shop.example.com/\u2028",
        "https:///no-host",
        "ftp://shop.example.com/x",
        "javascript:alert(1)",
        "https://user:pw@shop.example.com/",
        "https://shop.example.com:99999/",
        "https://shop.example.com/" + "a" * 480,
    ],
)
def test_bad_offer_urls_are_refused(url):
    with pytest.raises(FieldError) as caught:
        offers.check_url(url)
    assert caught.value.field == "url"


def test_good_offer_urls_pass():
    for url in ("https://shop.example.com/x?a=1&b=%20#top", "http://shop.example.com:8080/"):
        assert offers.check_url(url) == url


def test_offer_url_with_crlf_is_a_form_error_and_an_import_error(client_as, db):
    marketer = client_as("marketer")
    response = post_offer(marketer, url="https://shop.example.com/x\r\nLocation: https://evil.example")
    assert response.status_code == 200 and "http(s) URL" in response.get_data(as_text=True)
    item = {"id": "tablet", "url": "https://shop.example.com/x\nLocation: x", "phrases": {"en": ["tablet"]}}
    page = import_offers(marketer, [item]).get_data(as_text=True)
    assert "Offer 1 (&#39;tablet&#39;)" in page and "http(s) URL" in page
    db.expire_all()
    assert db.scalar(select(Offer)) is None


def test_go_answers_404_for_a_stored_bad_url(app, client_as, db):
    _article, suggestions = article_with_suggestions(app, db)
    approve(client_as("marketer"), suggestions["router"])
    router = db.scalar(select(Offer).where(Offer.code == "router"))
    router.url = "https://shop.example.com/x\r\nSet-Cookie: a=b"
    db.commit()
    customer = client_as("customer")
    customer.get("/kb/en/a/care")
    assert customer.get(f"/go/{suggestions['router'].id}").status_code == 404
    assert clicks(db) == 0


# --- 14: helpful votes and clicks cannot be inflated ------------------------------------------------


def anonymous_vote(app, user_agent="Mozilla/5.0 test", helpful="yes"):
    fresh = app.test_client()
    fresh.environ_base["HTTP_USER_AGENT"] = user_agent
    token = csrf_token(fresh, "/kb/en/a/care")
    return fresh.post("/kb/en/a/care/feedback", data={"helpful": helpful, "csrf_token": token})


def test_fresh_anonymous_sessions_vote_once_per_article(app, db):
    article, _suggestions = article_with_suggestions(app, db)
    limit = int(app.config.get("VOTE_RATE_LIMIT", "10 per hour").split()[0])
    assert limit < 20  # so only de-duplication can explain a single vote
    statuses = {anonymous_vote(app).status_code for _ in range(20)}
    assert statuses <= {302, 429}
    db.expire_all()
    assert db.get(Article, article.id).helpful_yes == 1
    assert db.scalar(select(func.count(ArticleFeedback.id))) == 1


def test_anonymous_votes_are_rate_limited_per_ip(app, db):
    article, _suggestions = article_with_suggestions(app, db)
    limit = int(app.config.get("VOTE_RATE_LIMIT", "10 per hour").split()[0])
    statuses = [anonymous_vote(app, user_agent=f"agent {n}").status_code for n in range(limit + 5)]
    assert statuses[:limit] == [302] * limit and set(statuses[limit:]) == {429}
    db.expire_all()
    assert db.get(Article, article.id).helpful_yes == limit


def test_logged_in_users_vote_once_per_article_and_may_change_it(app, client_as, db):
    article, _suggestions = article_with_suggestions(app, db)
    customer = client_as("customer")
    token = csrf_token(customer, "/kb/en/a/care")
    for _ in range(3):
        customer.post(
            "/kb/en/a/care/feedback", data={"helpful": "yes", "comment": "Good", "csrf_token": token}
        )
    customer.post("/kb/en/a/care/feedback", data={"helpful": "no", "csrf_token": token})
    db.expire_all()
    found = db.get(Article, article.id)
    assert (found.helpful_yes, found.helpful_no) == (0, 1)
    assert [(v.helpful, v.comment) for v in db.scalars(select(ArticleFeedback))] == [(False, "Good")]


def test_clicks_without_an_impression_redirect_but_do_not_count(app, client_as, db):
    _article, suggestions = article_with_suggestions(app, db)
    approve(client_as("marketer"), suggestions["router"])
    customer = client_as("customer")
    for _ in range(30):
        response = customer.get(f"/go/{suggestions['router'].id}")
        assert response.status_code == 302
        assert response.headers["Location"] == "https://shop.example.com/router"
    assert clicks(db) == 0


def test_clicks_count_once_per_visitor_and_link_within_the_window(app, client_as, db):
    _article, suggestions = article_with_suggestions(app, db)
    approve(client_as("marketer"), suggestions["router"])
    customer = client_as("customer")
    customer.get("/kb/en/a/care")
    for _ in range(30):
        assert customer.get(f"/go/{suggestions['router'].id}").status_code == 302
    assert clicks(db) == 1
    event = db.scalar(select(LinkEvent).where(LinkEvent.kind == "click"))
    event.created_at = utcnow() - timedelta(hours=1)  # the window has passed
    db.commit()
    customer.get(f"/go/{suggestions['router'].id}")
    assert clicks(db) == 2


def test_anonymous_clicks_from_fresh_sessions_count_once(app, db):
    _article, suggestions = article_with_suggestions(app, db)
    suggestions["router"].state = SuggestionState.APPROVED
    db.commit()
    app.config["ANONYMOUS_OFFER_LINKS"] = True
    try:
        for _ in range(10):
            fresh = app.test_client()
            assert "/go/" in fresh.get("/kb/en/a/care").get_data(as_text=True)
            assert fresh.get(f"/go/{suggestions['router'].id}").status_code == 302
    finally:
        app.config["ANONYMOUS_OFFER_LINKS"] = False
    assert clicks(db) == 1


# --- 17: link history survives rescans and new revisions --------------------------------------------


def test_rescan_and_new_revisions_keep_click_and_impression_history(app, client_as, db):
    article, suggestions = article_with_suggestions(app, db)
    router_id = suggestions["router"].id
    marketer = client_as("marketer")
    approve(marketer, suggestions["router"])
    customer = client_as("customer")
    customer.get("/kb/en/a/care")
    customer.get(f"/go/{router_id}")
    marketer.post("/marketing/rescan", data={"csrf_token": csrf_token(marketer, "/marketing/suggestions")})
    new_revision(app, db, article, "Place the router on a shelf.")
    db.expire_all()
    assert db.get(LinkSuggestion, router_id) is None  # replaced by the rescan
    events = db.scalars(select(LinkEvent).order_by(LinkEvent.id)).all()
    assert [(e.kind, e.matched_text, e.suggestion_id) for e in events] == [
        ("impression", "router", None),
        ("click", "router", None),
    ]
    csv_text = marketer.get("/marketing/reports?format=csv").get_data(as_text=True)
    row = next(line for line in csv_text.splitlines() if line.startswith("offer,router,"))
    assert row.split(",")[6:8] == ["1", "1"]

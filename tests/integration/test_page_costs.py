"""Reading pages cost the same number of queries at any data size (N and 3N rows), first rendering
and cached; cached parts never outlive what they show."""

import time

import pytest

from knowledge_base.models import Category
from portal.kb import search_service
from tests.integration.marketing_helpers import article_with_suggestions
from tests.integration.perf_helpers import (
    add_articles,
    add_customers,
    add_requests,
    cold_and_warm,
    discard_pending,
)
from tests.integration.test_marketing import approve

N = 8


def _networking(db) -> Category:
    return db.query(Category).filter_by(slug="networking").one()


@pytest.fixture(autouse=True)
def _no_view_flush_while_counting(app):
    """Views are written when this worker's 30 s interval is due, which may fall inside a measured
    request on a slow run; the counts compare reads, so each test starts a fresh hour-long interval."""
    discard_pending(app, "kb_view_counts")
    app.config["VIEW_FLUSH_SECONDS"] = 3600  # put back after the test by conftest
    yield
    discard_pending(app, "kb_view_counts")


def _assert_same_cost(small, large) -> None:
    for before, after in zip(small, large, strict=True):
        assert after.n == before.n, (before.statements, after.statements)


def test_article_page_queries_do_not_grow_with_articles(app, client_as, db, users):
    _article, suggestions = article_with_suggestions(app, db)
    approve(client_as("marketer"), suggestions["washing-machine"])
    customer = client_as("customer")
    add_articles(db, N, start=0, category=_networking(db))
    small = cold_and_warm(app, customer, "/kb/en/a/care")
    add_articles(db, 2 * N, start=N, category=_networking(db))
    large = cold_and_warm(app, customer, "/kb/en/a/care")
    _assert_same_cost(small, large)
    assert large[1].n < large[0].n  # the second reading takes the cached parts


def test_related_articles_share_the_category_first_then_the_most_tags(app, client, db):
    from tests.integration.kb_helpers import publish_article

    other = Category(slug="laundry", name="Laundry")
    db.add(other)
    db.commit()
    publish_article(app, db, slug="base", title="Base", tags=("router", "wifi"))
    publish_article(app, db, slug="same-category", title="Same category", tags=("cable",))
    publish_article(app, db, slug="two-tags", title="Two tags", tags=("router", "wifi"), category=other)
    publish_article(app, db, slug="one-tag", title="One tag", tags=("wifi",), category=other)
    publish_article(app, db, slug="no-tag", title="No tag", tags=("soap",), category=other)
    page = client.get("/kb/en/a/base").get_data(as_text=True)
    related = page[page.index("Related articles") :]
    assert related.index("Same category") < related.index("Two tags") < related.index("One tag")
    assert "No tag" not in related


def test_kb_front_page_queries_do_not_grow_with_articles(app, client_as, db, users):
    customer = client_as("customer")
    db.add(Category(slug="networking", name="Networking"))
    db.commit()
    add_articles(db, N, start=0, category=_networking(db))
    small = cold_and_warm(app, customer, "/kb/en/")
    add_articles(db, 2 * N, start=N, category=_networking(db))
    large = cold_and_warm(app, customer, "/kb/en/")
    _assert_same_cost(small, large)
    assert large[1].n < large[0].n


def test_search_page_queries_do_not_grow_with_hits(app, client_as, db, users):
    customer = client_as("customer")
    db.add(Category(slug="networking", name="Networking"))
    db.commit()
    add_articles(db, N, start=0, category=_networking(db))
    with app.app_context():
        search_service.reindex(db)
    small = cold_and_warm(app, customer, "/kb/en/search?q=router")
    assert "Router question" in customer.get("/kb/en/search?q=router").get_data(as_text=True)
    add_articles(db, 2 * N, start=N, category=_networking(db))
    with app.app_context():
        search_service.reindex(db)
    large = cold_and_warm(app, customer, "/kb/en/search?q=router")
    _assert_same_cost(small, large)


def test_customer_request_list_queries_do_not_grow_with_requests(app, client_as, db, users):
    customer = client_as("customer")
    add_requests(db, [users["customer"]] * N, start=0)
    small = cold_and_warm(app, customer, "/requests")
    add_requests(db, [users["customer"]] * (2 * N), start=N)
    large = cold_and_warm(app, customer, "/requests")
    _assert_same_cost(small, large)


def test_staff_queue_queries_do_not_grow_with_requests(app, client_as, db, users):
    agent = client_as("agent")
    add_requests(db, add_customers(db, N, start=0), start=0, assignee=users["agent"])
    small = cold_and_warm(app, agent, "/staff/requests")
    add_requests(db, add_customers(db, 2 * N, start=N), start=N, assignee=users["agent"])
    large = cold_and_warm(app, agent, "/staff/requests")
    _assert_same_cost(small, large)
    assert large[1].n < large[0].n  # counts come from the cache


def test_queue_counts_follow_a_change_of_status_at_once(app, client_as, db, users):
    agent = client_as("agent")
    add_requests(db, add_customers(db, 3, start=0), start=0)
    assert "Open: <strong>3</strong>" in agent.get("/staff/requests").get_data(as_text=True)
    add_requests(db, add_customers(db, 1, start=3), start=3)
    assert "Open: <strong>4</strong>" in agent.get("/staff/requests").get_data(as_text=True)


# Cached article parts follow publishing and link review ---------------------------------------


def _link(suggestion) -> str:
    return f'href="/go/{suggestion.id}?s='


def test_cached_article_follows_a_new_revision(app, client_as, db, users):
    from tests.integration.marketing_helpers import new_revision

    article, suggestions = article_with_suggestions(app, db)
    approve(client_as("marketer"), suggestions["washing-machine"])
    customer = client_as("customer")
    assert _link(suggestions["washing-machine"]) in customer.get("/kb/en/a/care").get_data(as_text=True)
    new_revision(app, db, article, "Descale the kettle once a month.")
    page = customer.get("/kb/en/a/care").get_data(as_text=True)
    assert "Descale the kettle" in page and "pump filter" not in page and "/go/" not in page


@pytest.mark.parametrize("store", ["memory", "redis"])
def test_cached_article_follows_approving_and_rejecting_a_link(app, client_as, db, users, store):
    if store == "redis":
        _use_redis(app)
    _article, suggestions = article_with_suggestions(app, db)
    marketer, customer = client_as("marketer"), client_as("customer")
    washer = suggestions["washing-machine"]
    assert "/go/" not in customer.get("/kb/en/a/care").get_data(as_text=True)
    approve(marketer, washer)
    assert _link(washer) in customer.get("/kb/en/a/care").get_data(as_text=True)
    reject = marketer.post(
        f"/marketing/suggestions/{washer.id}/reject",
        data={"csrf_token": _token(marketer)},
    )
    assert reject.status_code == 302
    assert "/go/" not in customer.get("/kb/en/a/care").get_data(as_text=True)


def _token(client) -> str:
    from tests.conftest import csrf_token

    return csrf_token(client, "/marketing/suggestions")


REDIS_URL = "redis://127.0.0.1:6379/13"


def _use_redis(app) -> None:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    from portal.cache import RedisCache

    app.extensions["cache"] = RedisCache(REDIS_URL)  # the clean-up fixture drops it after the test


# HTTP caching of anonymous article pages -------------------------------------------------------


def test_anonymous_article_page_revalidates_with_its_etag(app, client, db):
    from tests.integration.kb_helpers import publish_article

    publish_article(app, db)
    first = client.get("/kb/en/a/router-tips")
    assert first.status_code == 200 and first.headers["ETag"]
    assert first.headers["Cache-Control"] == "private, no-cache"
    assert "Cookie" in first.headers["Vary"]
    again = client.get("/kb/en/a/router-tips", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/kb/en/a/router-tips", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.headers["ETag"] == first.headers["ETag"]


def test_etag_changes_when_a_new_revision_is_published(app, client, db):
    from tests.integration.kb_helpers import publish_article
    from tests.integration.marketing_helpers import new_revision

    article = publish_article(app, db)
    tag = client.get("/kb/en/a/router-tips").headers["ETag"]
    new_revision(app, db, article, "Put the router in the middle of the flat.")
    page = client.get("/kb/en/a/router-tips", headers={"If-None-Match": tag})
    assert page.status_code == 200 and "middle of the flat" in page.get_data(as_text=True)
    assert page.headers["ETag"] != tag


def test_etag_changes_after_a_vote(app, client, db):
    from tests.conftest import csrf_token
    from tests.integration.kb_helpers import publish_article

    publish_article(app, db)
    tag = client.get("/kb/en/a/router-tips").headers["ETag"]
    token = csrf_token(client, "/kb/en/a/router-tips")
    client.post("/kb/en/a/router-tips/feedback", data={"csrf_token": token, "helpful": "yes"})
    client.get("/kb/en/a/router-tips")  # the page with the "thank you" message
    page = client.get("/kb/en/a/router-tips", headers={"If-None-Match": tag})
    assert page.status_code == 200 and page.headers["ETag"] != tag


def test_logged_in_readers_get_no_etag(app, client_as, db, users):
    from tests.integration.kb_helpers import publish_article

    publish_article(app, db)
    page = client_as("customer").get("/kb/en/a/router-tips")
    assert page.status_code == 200 and "ETag" not in page.headers
    assert page.headers["Cache-Control"] == "no-store"


# Views are counted in memory and written now and then ----------------------------------------


def test_anonymous_article_page_writes_nothing_until_views_are_due(app, client, db):
    from knowledge_base.models import Article
    from tests.integration.kb_helpers import publish_article
    from tests.integration.perf_helpers import counting_queries, discard_pending

    article = publish_article(app, db)
    discard_pending(app, "kb_view_counts")
    app.config["VIEW_FLUSH_SECONDS"] = 3600
    try:
        client.get("/kb/en/a/router-tips")
        with counting_queries(app) as reading:
            client.get("/kb/en/a/router-tips")
        assert not [s for s in reading.statements if s.startswith(("UPDATE", "INSERT"))]
        app.config["VIEW_FLUSH_SECONDS"] = 0
        discard_pending(app, "kb_view_counts")
        client.get("/kb/en/a/router-tips")  # due at once: this view is written
        client.get("/kb/en/a/router-tips")
    finally:
        app.config["VIEW_FLUSH_SECONDS"] = 30
        discard_pending(app, "kb_view_counts")
    db.expire_all()
    assert db.get(Article, article.id).views == 2


def test_a_reload_within_a_minute_writes_the_read_once(app, client_as, db, users):
    from portal.kb.read_marks import READ_REFRESH_SECONDS, RecentReads
    from portal.models import ArticleRead
    from tests.integration.kb_helpers import publish_article
    from tests.integration.perf_helpers import counting_queries

    publish_article(app, db, slug="drum", title="Drum")
    now = [1000.0]
    app.extensions["kb_recent_reads"] = RecentReads(clock=lambda: now[0])
    customer = client_as("customer")

    def writes() -> int:
        with counting_queries(app) as seen:
            assert customer.get("/kb/en/a/drum").status_code == 200
        return sum("article_reads" in s for s in seen.statements)

    assert writes() == 2  # the upsert and the trim of old reads
    assert writes() == 0
    now[0] += READ_REFRESH_SECONDS
    assert writes() == 2
    assert db.query(ArticleRead).filter_by(user_id=users["customer"].id).count() == 1
    assert writes() == 0 and client_as("customer2").get("/kb/en/a/drum").status_code == 200
    assert db.query(ArticleRead).count() == 2  # another customer's read is their own


def test_a_warm_article_page_costs_one_statement(app, client_as, db, users):
    """The customer's open product kinds (this offer is for a kind of product): nothing else once
    the user, the article, the parts and the revision's approved links are cached (no read
    written again, no view counter, no header queries, impressions kept for a batched write)."""
    from portal.models import LinkEvent
    from tests.integration.perf_helpers import counting_queries

    app.config["IMPRESSION_FLUSH_SECONDS"] = 3600
    discard_pending(app, "link_impressions")
    _article, suggestions = article_with_suggestions(app, db)
    approve(client_as("marketer"), suggestions["washing-machine"])
    customer = client_as("customer")
    assert customer.get("/kb/en/a/care").status_code == 200
    with counting_queries(app) as warm:
        page = customer.get("/kb/en/a/care").get_data(as_text=True)
    assert 'href="/go/' in page
    assert warm.n == 1, "\n".join(s[:90] for s in warm.statements)
    assert warm.statements[0].startswith("SELECT products.kind")
    assert "link_suggestions" not in " ".join(warm.statements)
    assert db.query(LinkEvent).count() == 0
    app.extensions["link_impressions"]._flush_seconds = 0
    customer.get("/kb/en/a/care")
    assert db.query(LinkEvent).count() == 3  # one impression per page view still


def test_searches_are_logged_in_batches(app, client_as, db, users):
    from portal.models import SearchLog
    from tests.integration.kb_helpers import publish_article
    from tests.integration.perf_helpers import counting_queries

    publish_article(app, db)
    app.config["SEARCH_LOG_FLUSH_SECONDS"] = 3600
    app.extensions.pop("kb_search_logs", None)
    customer = client_as("customer")
    customer.get("/kb/en/search?q=router")
    with counting_queries(app) as searching:
        assert customer.get("/kb/en/search?q=Shelf++Router").status_code == 200
    assert not [s for s in searching.statements if s.startswith(("INSERT", "UPDATE"))]
    assert db.query(SearchLog).count() == 0
    app.extensions["kb_search_logs"]._flush_seconds = 0
    customer.get("/kb/en/search?q=nothing-matches-this")
    rows = db.query(SearchLog).order_by(SearchLog.id).all()
    assert [(r.query, r.results > 0) for r in rows] == [
        ("router", True),
        ("shelf router", True),
        ("nothing-matches-this", False),
    ]


def test_reading_pages_skip_the_rate_limiter_but_their_votes_do_not(app, client, db, monkeypatch):
    """The article and front pages' GETs never look up limits (they have none); a vote does."""
    from portal.extensions import limiter
    from tests.conftest import csrf_token
    from tests.integration.kb_helpers import publish_article

    publish_article(app, db)
    looked_up = []
    resolve = limiter.limit_manager.resolve_limits

    def spy(app_, endpoint, *args, **kwargs):
        looked_up.append(endpoint)
        return resolve(app_, endpoint, *args, **kwargs)

    monkeypatch.setattr(limiter.limit_manager, "resolve_limits", spy)
    assert client.get("/kb/en/a/router-tips").status_code == 200
    assert client.get("/kb/en/").status_code == 200
    assert client.head("/kb/en/a/router-tips").status_code == 200
    assert looked_up == []
    token = csrf_token(client, "/kb/en/search?q=router")
    assert looked_up == ["kb.search"]  # other pages keep the limiter
    client.post("/kb/en/a/router-tips/feedback", data={"csrf_token": token, "helpful": "yes"})
    assert looked_up[-1] == "kb.feedback"


def test_a_session_reuses_its_signed_csrf_token_and_it_still_validates(app, client_as, users):
    from tests.conftest import CSRF_RE

    customer, other = client_as("customer"), client_as("customer2")
    customer.get("/requests")  # the session's raw token is made here
    app.extensions.pop("csrf_signed", None)
    first = CSRF_RE.search(customer.get("/requests").get_data(as_text=True)).group(1)
    time.sleep(1.1)  # a new signature would carry another timestamp
    again = CSRF_RE.search(customer.get("/requests").get_data(as_text=True)).group(1)
    assert again == first
    other.get("/requests")
    assert CSRF_RE.search(other.get("/requests").get_data(as_text=True)).group(1) != first
    assert customer.post("/logout", data={"csrf_token": again}).status_code == 302
    assert customer.get("/requests").status_code == 302  # logged out: the token was accepted


def test_signed_csrf_tokens_are_not_reused_when_they_expire(app, client_as, users):
    from tests.conftest import CSRF_RE

    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    customer = client_as("customer")
    customer.get("/requests")
    first = CSRF_RE.search(customer.get("/requests").get_data(as_text=True)).group(1)
    time.sleep(1.1)
    assert CSRF_RE.search(customer.get("/requests").get_data(as_text=True)).group(1) != first


def test_the_startup_heap_is_frozen_out_of_the_garbage_collectors_sight(app):
    """Full collections in a worker walk only what requests keep, not the modules and models."""
    import gc

    assert gc.get_freeze_count() > 10_000


def test_the_staff_article_list_writes_this_workers_views_first(app, client, client_as, db, users):
    from knowledge_base.models import Article
    from tests.integration.kb_helpers import publish_article

    article = publish_article(app, db)
    app.config["VIEW_FLUSH_SECONDS"] = 3600
    discard_pending(app, "kb_view_counts")
    for _ in range(3):
        client.get("/kb/en/a/router-tips")
    db.expire_all()
    assert db.get(Article, article.id).views == 0  # still in this worker's memory
    assert client_as("agent").get("/staff/kb").status_code == 200
    db.expire_all()
    assert db.get(Article, article.id).views == 3

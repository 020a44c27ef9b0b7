"""Link impressions are kept in memory and written in batches; a click still counts only after an
impression, proved by the signed link (any worker) or by the impression itself (this worker, or
written)."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from knowledge_base.db import utcnow
from portal.marketing import impressions, linking
from portal.models import LinkEvent, LinkSuggestion, SuggestionState, User
from tests.integration.marketing_helpers import article_with_suggestions
from tests.integration.perf_helpers import counting_queries
from tests.integration.test_marketing import approve

SECRET = "s" * 40


@pytest.fixture
def buffered(app):
    """Impressions written every hour only (the tests' default writes them at once)."""
    app.config["IMPRESSION_FLUSH_SECONDS"] = 3600  # put back by conftest
    app.extensions.pop("link_impressions", None)
    yield


def _count(db, kind: str) -> int:
    db.expire_all()
    return db.scalar(select(func.count(LinkEvent.id)).where(LinkEvent.kind == kind))


def _router(app, db, client_as):
    _article, suggestions = article_with_suggestions(app, db)
    approve(client_as("marketer"), suggestions["router"])
    return suggestions["router"]


def _signed_href(page: str, suggestion) -> str:
    found = re.search(rf'href="(/go/{suggestion.id}\?s=[0-9]+\.[0-9a-f]+)"', page)
    assert found, "the link carries no signature"
    return found.group(1)


def _other_worker(app) -> None:
    """The next request runs as if on a worker that never saw this visitor's impressions."""
    app.extensions["link_impressions"].take()  # that worker's rows are not this one's
    app.extensions["link_impressions"] = impressions.PendingImpressions(app, impressions.write, 3600)


def test_article_views_write_no_impression_until_due_then_all_of_them(app, client_as, db, users, buffered):
    router = _router(app, db, client_as)
    customer = client_as("customer")
    customer.get("/kb/en/a/care")
    with counting_queries(app) as reading:
        assert customer.get("/kb/en/a/care").status_code == 200
    assert not [s for s in reading.statements if "link_events" in s]
    assert _count(db, "impression") == 0
    app.extensions["link_impressions"]._flush_seconds = 0  # due now: the next view writes all three
    customer.get("/kb/en/a/care")
    assert _count(db, "impression") == 3
    rows = db.scalars(select(LinkEvent).order_by(LinkEvent.id)).all()
    assert {(r.suggestion_id, r.user_id, r.visitor) for r in rows} == {
        (router.id, users["customer"].id, f"user:{users['customer'].id}")
    }
    assert rows[0].created_at <= rows[1].created_at <= rows[2].created_at  # when they were seen


def test_a_click_on_the_signed_link_counts_on_another_worker(app, client_as, db, users, buffered):
    router = _router(app, db, client_as)
    customer = client_as("customer")
    href = _signed_href(customer.get("/kb/en/a/care").get_data(as_text=True), router)
    _other_worker(app)
    assert customer.get(f"/go/{router.id}").status_code == 302  # no proof here: not counted
    assert _count(db, "click") == 0
    assert customer.get(href).status_code == 302
    assert _count(db, "click") == 1
    assert customer.get(href).status_code == 302  # still once per window
    assert _count(db, "click") == 1


def test_a_click_without_signature_counts_on_the_worker_that_holds_the_impression(
    app, client_as, db, users, buffered
):
    router = _router(app, db, client_as)
    customer = client_as("customer")
    customer.get("/kb/en/a/care")
    assert _count(db, "impression") == 0
    assert customer.get(f"/go/{router.id}").status_code == 302
    assert _count(db, "click") == 1


def test_a_signed_link_does_not_count_for_another_visitor_or_link(app, client_as, db, users, buffered):
    router = _router(app, db, client_as)
    href = _signed_href(client_as("customer").get("/kb/en/a/care").get_data(as_text=True), router)
    _other_worker(app)
    other = client_as("customer2")  # shared the address: a different visitor
    assert other.get(href).status_code == 302
    assert app.test_client().get(href).status_code == 302  # anonymous
    proof = href.partition("?")[2]
    washer = db.scalar(select(LinkSuggestion).where(LinkSuggestion.id != router.id))
    washer.state = SuggestionState.APPROVED
    db.commit()
    assert client_as("customer").get(f"/go/{washer.id}?{proof}").status_code == 302  # another link
    forged = href[:-4] + ("0000" if not href.endswith("0000") else "1111")
    assert client_as("customer").get(forged).status_code == 302
    assert _count(db, "click") == 0


def test_signatures_expire_and_cannot_come_from_the_future():
    visitor, now = "user:7", 1_000_000 * 3600.0
    proof = impressions.signature(SECRET, 5, visitor, now=now)
    assert impressions.shown_by_signature(SECRET, 5, visitor, proof, now=now)
    assert impressions.shown_by_signature(SECRET, 5, visitor, proof, now=now + 23 * 3600)
    assert not impressions.shown_by_signature(SECRET, 5, visitor, proof, now=now + 24 * 3600)
    assert not impressions.shown_by_signature(SECRET, 5, visitor, proof, now=now - 3600)
    assert not impressions.shown_by_signature(SECRET, 6, visitor, proof, now=now)
    assert not impressions.shown_by_signature(SECRET, 5, "user:8", proof, now=now)
    assert not impressions.shown_by_signature("t" * 40, 5, visitor, proof, now=now)
    for junk in ("", "x.y", "12", ".abc", "99999999999.abc"):
        assert not impressions.shown_by_signature(SECRET, 5, visitor, junk, now=now)


def test_pending_impressions_survive_a_rescan_and_an_erased_user(app, client_as, db, users, buffered):
    router = _router(app, db, client_as)
    customer = client_as("customer")
    customer.get("/kb/en/a/care")
    article = router.article
    with app.app_context():
        linking.scan_article(db, article)  # replaces the suggestion rows
    db.commit()
    assert db.get(LinkSuggestion, router.id) is None
    user = db.get(User, users["customer"].id)
    user.is_active = False  # as erasure leaves them
    db.commit()
    with app.app_context():
        impressions.flush()
    event = db.scalar(select(LinkEvent))
    assert (event.kind, event.suggestion_id, event.user_id, event.offer_id) == (
        "impression",
        None,
        None,
        router.offer_id,
    )


def test_old_written_impressions_still_prove_a_click(app, client_as, db, users, buffered):
    router = _router(app, db, client_as)
    customer = client_as("customer")
    customer.get("/kb/en/a/care")
    with app.app_context():
        impressions.flush()
    _other_worker(app)
    event = db.scalar(select(LinkEvent))
    event.created_at = utcnow() - timedelta(hours=25)  # too old to prove anything
    db.commit()
    assert customer.get(f"/go/{router.id}").status_code == 302
    assert _count(db, "click") == 0
    event.created_at = utcnow() - timedelta(hours=2)
    db.commit()
    assert customer.get(f"/go/{router.id}").status_code == 302
    assert _count(db, "click") == 1

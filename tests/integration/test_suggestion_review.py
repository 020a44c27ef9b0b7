"""The link review list: pages, sorting, select all, and reviewing every matching suggestion."""

import re

from sqlalchemy import func, select

from portal.models import LinkSuggestion, SuggestionState
from tests.conftest import csrf_token
from tests.integration.marketing_helpers import article_with_suggestions


def many_pending(app, db, n=120):
    """`n` pending suggestions: copies of the router suggestion at increasing offsets."""
    _article, found = article_with_suggestions(app, db)
    model = found["router"]
    db.add_all(
        LinkSuggestion(
            article_id=model.article_id,
            revision_id=model.revision_id,
            offer_id=model.offer_id,
            locale="en",
            matched_text=f"router{i}",
            start=1000 + i,
            end=1006 + i,
            sentence=f"Sentence number {i} about the router{i}.",
            reasons=["match:lemma 'router'", "checks:all passed"],
        )
        for i in range(n)
    )
    db.commit()
    return db.scalar(
        select(func.count()).select_from(LinkSuggestion).where(LinkSuggestion.state == "pending")
    )


def test_review_list_has_pages_and_a_sort(app, db, users, client_as):
    total = many_pending(app, db)
    marketer = client_as("marketer")
    first = marketer.get("/marketing/suggestions").get_data(as_text=True)
    assert f"{total} suggestions match." in first and "Page 1 of 3" in first
    assert len(re.findall(r'name="ids" value=', first)) == 50
    last = marketer.get("/marketing/suggestions?page=3").get_data(as_text=True)
    assert len(re.findall(r'name="ids" value=', last)) == total - 100
    oldest = marketer.get("/marketing/suggestions?sort=oldest").get_data(as_text=True)
    newest = marketer.get("/marketing/suggestions?sort=newest").get_data(as_text=True)
    ids = lambda html: re.findall(r'name="ids" value="(\d+)"', html)  # noqa: E731
    assert ids(oldest)[0] != ids(newest)[0]
    assert 'href="/marketing/suggestions?page=2&amp;sort=oldest"' in oldest  # the pager keeps the sort


def test_reasons_read_as_sentences_with_the_code_beside_them(app, db, users, client_as):
    many_pending(app, db, n=1)
    html = client_as("marketer").get("/marketing/suggestions").get_data(as_text=True)
    assert "Every safety and context check passed." in html and "checks:all passed" in html


def test_select_all_header_box_is_there_for_reviewable_states(app, db, users, client_as):
    many_pending(app, db, n=1)
    marketer = client_as("marketer")
    assert "js-select-all" in marketer.get("/marketing/suggestions").get_data(as_text=True)
    assert "js-select-all" not in marketer.get("/marketing/suggestions?state=blocked").get_data(as_text=True)


def test_approve_all_matching_reaches_every_page_but_only_the_filter(app, db, users, client_as):
    total = many_pending(app, db)
    marketer = client_as("marketer")
    token = csrf_token(marketer, "/marketing/suggestions")
    data = {
        "csrf_token": token,
        "scope": "matching",
        "action": "reject",
        "state": "pending",
        "offer": "router",
    }
    response = marketer.post("/marketing/suggestions/bulk", data=data)
    assert response.status_code == 302
    states = dict(db.execute(select(LinkSuggestion.state, func.count()).group_by(LinkSuggestion.state)).all())
    assert states[SuggestionState.REJECTED] == total - 1  # every router suggestion, on every page
    assert states[SuggestionState.PENDING] == 1  # the washing-machine one: another offer

"""The staff queue and the customer's request list are memoised whole per reader: a warm page
reads no request row, yet every change (on any worker), a row turning overdue with the clock and
every reader's own values (saved views, CSRF token, name) show exactly as on a fresh render."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from knowledge_base.db import utcnow
from portal import page_memo
from portal.cache import MemoryCache
from portal.models import Priority, RequestStatus, SavedView, ServiceRequest, Tag, User, request_tags
from portal.requests import list_pages, queue
from portal.requests.sla import next_overdue_at
from tests.integration.perf_helpers import add_requests, counting_queries
from tests.integration.worker_helpers import another_worker, on_other_worker, share_redis


@pytest.fixture(params=["memory", "redis"])
def workers(request, app):
    """This app and another worker (generations shared through the instance folder, or Redis)."""
    with another_worker(app) as other:
        if request.param == "redis":
            share_redis(app, other)
        yield app, other


def _request_reads(app, client, path: str) -> tuple[str, int]:
    """(the page, how many statements it ran on service_requests)."""
    with counting_queries(app) as seen:
        answer = client.get(path)
    assert answer.status_code == 200, path
    return answer.get_data(as_text=True), sum("service_requests" in s for s in seen.statements)


def _queued(db, users, count: int = 3) -> list[ServiceRequest]:
    add_requests(db, [users["customer"]] * count, start=0)
    return list(db.scalars(select(ServiceRequest).order_by(ServiceRequest.id)))


def test_a_warm_queue_reads_no_request_and_a_change_on_another_worker_shows_at_once(
    workers, db, client_as, users
):
    app, other = workers
    found = _queued(db, users)
    agent = client_as("agent")
    elsewhere = on_other_worker(agent, other)
    _request_reads(other, elsewhere, "/staff/requests")
    page, reads = _request_reads(other, elsewhere, "/staff/requests")
    assert reads == 0 and "Bulk request 0" in page
    found[0].subject = "Renamed on the first worker"
    db.commit()
    page, reads = _request_reads(other, elsewhere, "/staff/requests")
    assert reads > 0 and "Renamed on the first worker" in page and "Bulk request 0" not in page


@pytest.mark.parametrize("change", ["status", "assignee", "saved view", "core tag", "customer name"])
def test_every_change_the_queue_shows_reaches_the_other_worker_s_page(workers, db, client_as, users, change):
    app, other = workers
    found = _queued(db, users)
    tag = Tag(name="warranty-case")
    db.add(tag)
    db.commit()
    elsewhere = on_other_worker(client_as("agent"), other)
    elsewhere.get("/staff/requests")
    assert _request_reads(other, elsewhere, "/staff/requests")[1] == 0
    if change == "status":
        found[1].status, expected = RequestStatus.RESOLVED, "Bulk request 1"
    elif change == "assignee":
        found[1].assignee_id, expected = users["agent"].id, users["agent"].name
    elif change == "saved view":
        db.add(SavedView(owner_id=users["admin"].id, name="Team view", query="status=open", shared=True))
        expected = "Team view"
    elif change == "core tag":
        db.execute(insert(request_tags).values(request_id=found[0].id, tag_id=tag.id))
        expected = 'tag=warranty-case">warranty-case</a>'
    else:
        db.get(User, users["customer"].id).name, expected = "Customer Renamed", "Customer Renamed"
    db.commit()
    page = elsewhere.get("/staff/requests").get_data(as_text=True)
    if change == "status":
        assert expected not in page  # resolved requests leave the active queue
    else:
        assert expected in page


def test_personal_values_never_cross_readers(app, db, client_as, users):
    """Same filters, two agents: each sees their own views and CSRF token."""
    from tests.conftest import AuthActions, add_agent

    _queued(db, users)
    add_agent(app, db, email="agent-two@example.com")
    db.add(SavedView(owner_id=users["agent"].id, name="Only mine", query="assignee=me", shared=False))
    db.commit()
    first, second = client_as("agent"), app.test_client()
    assert AuthActions(second).login("agent-two@example.com").status_code == 302
    for _ in range(2):
        mine, theirs = first.get("/staff/requests"), second.get("/staff/requests")
    mine, theirs = mine.get_data(as_text=True), theirs.get_data(as_text=True)
    assert "Only mine" in mine and "Only mine" not in theirs
    token = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
    tokens = {token.search(page).group(1) for page in (mine, theirs)}
    assert len(tokens) == 2
    assert "\x00" not in mine + theirs, "an unfilled slot reached the page"


def test_the_hidden_next_path_is_this_request_s(app, db, client_as, users):
    _queued(db, users)
    agent = client_as("agent")
    agent.get("/staff/requests?status=active&x=1")
    page = agent.get("/staff/requests?status=active&x=2").get_data(as_text=True)
    assert 'name="next" value="/staff/requests?status=active&amp;x=2"' in page


def test_a_page_is_kept_only_until_a_shown_row_turns_overdue(app, db, client_as, users):
    found = _queued(db, users, count=1)
    found[0].resolution_due = utcnow() + timedelta(seconds=8)
    found[0].first_response_due = utcnow() + timedelta(hours=2)
    db.commit()
    agent = client_as("agent")
    agent.get("/staff/requests")
    store = app.extensions[page_memo.STORE]
    expires, page = list(store._items.values())[-1]  # the page just kept
    assert "Bulk request 0" in page
    assert 0 < expires - store._clock() <= 8.5, "kept past the moment a row turns overdue"


def test_overdue_only_and_flashed_pages_are_never_kept(app, db, client_as, users):
    from tests.conftest import csrf_token

    _queued(db, users)
    agent = client_as("agent")
    agent.get("/staff/requests?overdue=1")
    assert _request_reads(app, agent, "/staff/requests?overdue=1")[1] > 0
    agent.get("/staff/requests")  # kept
    answer = agent.post(
        "/staff/views",
        data={"csrf_token": csrf_token(agent, "/staff/requests"), "name": "Everything", "query": ""},
    )
    assert answer.status_code == 302
    page, reads = _request_reads(app, agent, "/staff/requests")
    assert reads > 0 and "View “Everything” saved." in page
    page, reads = _request_reads(app, agent, "/staff/requests")
    assert "saved." not in page, "a flashed message was kept with the page"
    assert "Everything" in page and _request_reads(app, agent, "/staff/requests")[1] == 0


def test_next_overdue_at_is_the_first_due_time_still_ahead():
    now = utcnow()
    row = ServiceRequest(
        status=RequestStatus.OPEN,
        priority=Priority.NORMAL,
        first_response_due=now + timedelta(minutes=5),
        resolution_due=now + timedelta(hours=1),
        first_responded_at=None,
    )
    assert next_overdue_at(row, now) == now + timedelta(minutes=5)
    row.first_responded_at = now
    assert next_overdue_at(row, now) == now + timedelta(hours=1)
    row.status = RequestStatus.WAITING_ON_CUSTOMER  # the resolution clock stands still
    assert next_overdue_at(row, now) is None
    row.status, row.resolution_due = RequestStatus.OPEN, now - timedelta(seconds=1)
    assert next_overdue_at(row, now) is None  # already overdue: stays so
    row.status = RequestStatus.RESOLVED
    assert next_overdue_at(row, now) is None


def test_queue_seconds_valid_is_capped():
    now = utcnow()
    page = queue.QueuePage([], 1, 25, 0, changes_at=now + timedelta(seconds=3))
    assert list_pages.queue_seconds_valid(page, now) == pytest.approx(3)
    assert list_pages.queue_seconds_valid(queue.QueuePage([], 1, 25, 0), now) == list_pages.QUEUE_PAGE_SECONDS


def test_a_warm_customer_list_reads_no_request_and_shows_a_new_one(app, db, client_as, users):
    customer = client_as("customer")
    _queued(db, users, count=1)
    customer.get("/requests")
    page, reads = _request_reads(app, customer, "/requests")
    assert reads == 0 and "Bulk request 0" in page
    add_requests(db, [users["customer"]], start=7)
    page, reads = _request_reads(app, customer, "/requests")
    assert reads > 0 and "Bulk request 7" in page
    other = client_as("customer2")
    assert "Bulk request" not in other.get("/requests").get_data(as_text=True)
    assert _request_reads(app, customer, "/requests?q=Bulk")[1] > 0, "a search was served from the memo"


def test_pages_past_the_last_and_category_filters_are_not_kept(app, db, client_as, users):
    _queued(db, users)
    customer, agent = client_as("customer"), client_as("agent")
    for path, client in (("/requests?page=99", customer), ("/staff/requests?page=99", agent)):
        client.get(path)
        assert _request_reads(app, client, path)[1] > 0, f"{path} was kept"
    agent.get("/staff/requests?category=laundry")
    assert _request_reads(app, agent, "/staff/requests?category=laundry")[1] > 0


def test_an_unknown_status_shares_the_page_of_no_filter_and_is_not_echoed(app, db, client_as, users):
    _queued(db, users, count=1)
    customer = client_as("customer")
    customer.get("/requests")
    page, reads = _request_reads(app, customer, "/requests?status=made-up-status")
    assert reads == 0 and "Bulk request 0" in page
    # only the header's "next" path (this request's own) may hold it, not the filters or pager
    assert "made-up-status" not in page.replace('value="/requests?status=made-up-status"', "")


def test_the_page_store_is_bounded_by_size():
    clock = [0.0]
    store = MemoryCache(limit=100, clock=lambda: clock[0], weigh=len)
    for number in range(5):
        store.set(f"page-{number}", "x" * 30, ttl=60)
    assert store.weight <= 100 and store.get("page-0") is None and store.get("page-4") is not None
    store.set("too-heavy", "x" * 101, ttl=60)
    assert store.get("too-heavy") is None and store.get("page-4") is not None
    store.set("page-4", "y" * 10, ttl=60)  # replaced, not counted twice
    assert store.get("page-4") == "y" * 10 and store.weight == 70
    clock[0] = 61
    assert store.get("page-4") is None and store.weight == 60
    assert not page_memo.keepable("x" * (page_memo.PAGE_MAX_CHARS + 1), 60)
    assert not page_memo.keepable("x", 0) and page_memo.keepable("x", 1)


def test_a_nested_render_keeps_the_outer_page_s_slots(app):
    from flask import g

    from portal import chrome

    with app.test_request_context("/"):
        setattr(g, chrome.SLOTS_KEPT, True)
        chrome.render_with_slots("requests/_list_thead.html")
        assert g.get(chrome.SLOTS_KEPT) is True

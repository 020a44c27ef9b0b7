"""Memoised list rows and fragments (portal/requests/list_rows.py, portal/kb/search_page.py) never show
stale values and never carry one reader's data to another; list pages cost the same statements at
any page fill."""

import re

from portal.models import RequestStatus, SavedView, ServiceRequest
from tests.conftest import CSRF_RE
from tests.integration.perf_helpers import add_customers, add_requests, counting_queries

BULK_TOKEN = re.compile(
    r'id="bulk">\s*<input id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"'
)


def _page(client, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def test_queue_rows_follow_a_renamed_customer_and_a_new_status(app, client_as, db, users):
    agent = client_as("agent")
    customers = add_customers(db, 2, start=0)
    add_requests(db, customers, start=0)
    assert "Bulk 0" in _page(agent, "/staff/requests")
    customers[0].name = "Renamed Person"
    db.commit()
    page = _page(agent, "/staff/requests")
    assert "Renamed Person" in page and ">Bulk 0<" not in page
    found = db.query(ServiceRequest).filter_by(reference="SR-2024-000001").one()
    found.status = RequestStatus.WAITING_ON_CUSTOMER
    db.commit()
    row = _page(agent, "/staff/requests").split("SR-2024-000001</a>")[1].split("</tr>")[0]
    assert "badge--waiting_on_customer" in row
    assert f'name="version-{found.id}" value="{found.version}"' in _page(agent, "/staff/requests")


def test_queue_page_tokens_are_each_agents_own(app, client_as, db, users):
    from tests.conftest import AuthActions, add_agent

    add_requests(db, add_customers(db, 2, start=0), start=0)
    add_agent(app, db, name="Second Agent")
    first, second = client_as("agent"), app.test_client()
    assert AuthActions(second).login("agent2@example.com").status_code == 302
    pages = [_page(c, "/staff/requests") for c in (first, second)]
    tokens = [BULK_TOKEN.search(page).group(1) for page in pages]
    for page, token in zip(pages, tokens, strict=True):
        assert set(CSRF_RE.findall(page)) == {token}  # every form of the page carries the reader's token
    form = {"name": "Mine", "query": "assignee=me"}
    first.post("/staff/views", data={**form, "csrf_token": tokens[1]})  # the other agent's token
    assert db.query(SavedView).count() == 0
    first.post("/staff/views", data={**form, "csrf_token": tokens[0]})
    assert db.query(SavedView).count() == 1


def test_queue_tags_and_filters_show_at_once(app, client_as, db, users):
    agent = client_as("agent")
    add_requests(db, add_customers(db, 1, start=0), start=0)
    before = _page(agent, "/staff/requests")
    assert 'value="fragile"' not in before
    found = db.query(ServiceRequest).one()
    from portal.requests import tags

    tags.add_tag(db, users["agent"], found, "fragile")
    db.commit()
    page = _page(agent, "/staff/requests")
    assert '<option value="fragile">fragile</option>' in page  # the filter lists the new tag
    assert 'class="badge badge--tag" href="/staff/requests?tag=fragile">fragile</a>' in page
    assert '<option value="fragile" selected>' in _page(agent, "/staff/requests?tag=fragile")


def test_customer_list_rows_are_each_customers_own(app, client_as, db, users):
    add_requests(db, [users["customer"]], start=0)
    add_requests(db, [users["customer2"]], start=1)
    first, second = client_as("customer"), client_as("customer2")
    first_page, second_page = _page(first, "/requests"), _page(second, "/requests")
    assert "SR-2024-000000" in first_page and "SR-2024-000001" not in first_page
    assert "SR-2024-000001" in second_page and "SR-2024-000000" not in second_page
    found = db.query(ServiceRequest).filter_by(reference="SR-2024-000000").one()
    found.status = RequestStatus.RESOLVED
    db.commit()
    assert "badge--resolved" in _page(first, "/requests")


def test_list_page_statements_do_not_grow_with_rows_on_the_page(app, client_as, db, users):
    """One row or a full page: the same statements (rows and their tags are loaded per page)."""
    agent, customer = client_as("agent"), client_as("customer")
    add_requests(db, add_customers(db, 1, start=0), start=0)
    add_requests(db, [users["customer"]], start=1)
    _page(agent, "/staff/requests"), _page(customer, "/requests")
    with counting_queries(app) as queue_one:
        _page(agent, "/staff/requests")
    with counting_queries(app) as list_one:
        _page(customer, "/requests")
    add_requests(db, add_customers(db, 30, start=2), start=2)
    add_requests(db, [users["customer"]] * 30, start=40)
    for found in db.query(ServiceRequest).all():
        from portal.requests import tags

        tags.add_tag(db, users["agent"], found, f"t{found.id % 3}")
    db.commit()
    _page(agent, "/staff/requests"), _page(customer, "/requests")
    with counting_queries(app) as queue_full:
        assert _page(agent, "/staff/requests").count('class="badge badge--tag"') == 25
    with counting_queries(app) as list_full:
        assert _page(customer, "/requests").count("<tr>") == 21  # header and 20 rows
    assert queue_full.n == queue_one.n, queue_full.statements
    assert list_full.n == list_one.n, list_full.statements


def test_a_repeated_search_is_logged_each_time(app, client_as, db, users):
    from portal.models import SearchLog
    from tests.integration.kb_helpers import publish_article

    publish_article(app, db)
    app.config["SEARCH_LOG_FLUSH_SECONDS"] = 0
    app.extensions.pop("kb_search_logs", None)
    customer = client_as("customer")
    first = _page(customer, "/kb/en/search?q=router")
    assert first == _page(customer, "/kb/en/search?q=router")  # the second one from the cache
    assert [r.query for r in db.query(SearchLog).all()] == ["router", "router"]


def test_bulk_bar_follows_agents_at_once_and_logins_keep_its_cache(app, client_as, db, users):
    from portal.cache import generation
    from portal.cache_events import STAFF

    agent = client_as("agent")
    helper = users["admin"]  # admins work the queue too
    assert f'<option value="{helper.id}">Admin</option>' in _page(agent, "/staff/requests")
    helper.name = "Renamed Admin"
    db.commit()
    assert f'<option value="{helper.id}">Renamed Admin</option>' in _page(agent, "/staff/requests")
    helper.is_active = False
    db.commit()
    assert f'<option value="{helper.id}">' not in _page(agent, "/staff/requests")
    with app.app_context():
        before = generation(STAFF)
    client_as("marketer")  # a login writes the user's last login time: no staff list changes
    with app.app_context():
        assert generation(STAFF) == before


def test_long_typed_filters_are_shown_but_not_kept(app, client_as, db, users):
    customer, agent = client_as("customer"), client_as("agent")

    def table(path: str) -> str:
        return _page(agent, path).split("<tbody>")[1]

    _page(customer, "/requests"), table("/staff/requests?status=all")
    kept = len(app.extensions["request_rows_memo"]._items)
    page = _page(customer, "/requests?q=" + "x" * 300)
    assert 'value="' + "x" * 300 + '"' in page and 'aria-invalid="true"' in page
    assert table("/staff/requests?status=" + "y" * 300) == table("/staff/requests?status=all")
    assert len(app.extensions["request_rows_memo"]._items) == kept


def test_made_up_search_urls_share_one_cache_entry(app, client, db, monkeypatch):
    """An unknown category reads as none and a page without a query as page 1, so a visitor
    cannot fill the cache with one entry per invented URL."""
    from portal.cache import cache

    with app.app_context():
        store = cache()
    keys = set()
    original = store.set

    def recording_set(key, value, *args, **kwargs):
        keys.add(key)
        return original(key, value, *args, **kwargs)

    monkeypatch.setattr(store, "set", recording_set)
    for path in ("/kb/en/search", "/kb/en/search?category=nope-1", "/kb/en/search?category=nope-2&page=7"):
        assert client.get(path).status_code == 200
    assert len({k for k in keys if k.startswith("shopkeeper:kb:search-page:")}) == 1

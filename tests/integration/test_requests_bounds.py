"""Huge ids and over-long fields in the request and admin areas: 404s and form errors, never 500s.

Run on PostgreSQL too (PORTAL_TEST_DATABASE_URL): it raises on out-of-range integers and on
strings longer than their column, where SQLite would quietly accept them.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.models import CannedResponse, ServiceRequest
from tests.conftest import csrf_token
from tests.integration.requests_helpers import catalog, handling_form, make_request, post_new, submit

HUGE = "99999999999999999999"
PAST_INT = str(2**31)
NOT_A_NUMBER = "12abc"


@pytest.fixture
def req(app, db, users):
    catalog(db)
    return make_request(app, db, users["customer"])


@pytest.mark.parametrize("ident", [HUGE, PAST_INT, "0"])
@pytest.mark.parametrize(
    "role,method,url",
    [
        ("customer", "get", "/attachments/{id}"),
        ("agent", "get", "/attachments/{id}?preview=1"),
        ("admin", "get", "/admin/users/{id}"),
        ("admin", "post", "/admin/users/{id}"),
        ("admin", "post", "/admin/users/{id}/active"),
        ("agent", "post", "/staff/canned/{id}/delete"),
    ],
)
def test_ids_past_the_integer_range_are_not_found(client_as, users, role, method, url, ident):
    client = client_as(role)
    path = url.format(id=ident)
    if method == "get":
        response = client.get(path)
    else:
        response = client.post(path, data={"csrf_token": csrf_token(client, "/"), "role": "agent"})
    assert response.status_code == 404


@pytest.mark.parametrize("prefix", ["/requests/", "/staff/requests/"])
def test_over_long_references_are_not_found(client_as, req, prefix):
    client = client_as("customer" if prefix == "/requests/" else "agent")
    assert client.get(prefix + "SR-" + "9" * 300).status_code == 404
    assert client.get(prefix + req.reference).status_code == 200


@pytest.mark.parametrize("choice", [HUGE, PAST_INT, NOT_A_NUMBER, "-1", "customer"])
def test_a_bad_assignee_is_a_form_error(client_as, db, users, req, choice):
    agent = client_as("agent")
    value = str(users["customer"].id) if choice == "customer" else choice
    response = submit(agent, req.reference, handling_form(agent, req.reference), assignee=value, body="Kept")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Choose an agent from the list." in html and "Kept" in html
    db.expire_all()
    assert db.get(ServiceRequest, req.id).assignee_id is None


@pytest.mark.parametrize("role", ["marketer", "agent", "admin"])
def test_only_queue_workers_can_be_assigned(client_as, db, users, req, role):
    agent = client_as("agent")
    response = submit(agent, req.reference, handling_form(agent, req.reference), assignee=str(users[role].id))
    db.expire_all()
    assigned = db.get(ServiceRequest, req.id).assignee_id
    if role == "marketer":
        assert response.status_code == 400 and assigned is None
    else:
        assert response.status_code == 302 and assigned == users[role].id


def test_marketers_are_not_offered_as_assignees(client_as, users, req):
    html = client_as("agent").get(f"/staff/requests/{req.reference}").get_data(as_text=True)
    assert f'value="{users["agent"].id}"' in html and f'value="{users["admin"].id}"' in html
    assert f'value="{users["marketer"].id}"' not in html


@pytest.mark.parametrize("value", [HUGE, PAST_INT, NOT_A_NUMBER])
def test_a_bad_canned_id_in_the_query_string_is_ignored(client_as, req, value):
    response = client_as("agent").get(f"/staff/requests/{req.reference}?canned={value}")
    assert response.status_code == 200


@pytest.mark.parametrize("value", [HUGE, PAST_INT, NOT_A_NUMBER, "-3"])
def test_a_bad_canned_category_is_a_form_error(client_as, db, value):
    agent = client_as("agent")
    token = csrf_token(agent, "/staff/canned")
    response = agent.post(
        "/staff/canned", data={"title": "Kept title", "body": "Text", "category": value, "csrf_token": token}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Choose a category from the list." in html and "Kept title" in html
    db.expire_all()
    assert db.scalar(select(CannedResponse)) is None


@pytest.mark.parametrize("value", [f"catalog:{HUGE}", f"own:{HUGE}", f"catalog:{PAST_INT}", "own:-1", "own:"])
def test_a_bad_product_id_is_a_form_error(client_as, db, users, value):
    catalog(db)
    db.commit()
    html = post_new(client_as("customer"), product=value, description="Typed text").get_data(as_text=True)
    assert "product" in html and "Typed text" in html
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(ServiceRequest)) == 0


@pytest.mark.parametrize(
    "role,url,message",
    [
        ("customer", "/requests?q={long}", "Search for at most 200 characters."),
        ("admin", "/admin/users?q={long}", "Search for at most 254 characters."),
        ("admin", "/admin/audit?action={long}", "Search for at most 60 characters."),
        ("agent", "/staff/requests?product={long}", "Filter with at most 100 characters."),
        ("agent", "/staff/requests?category={long}", "Filter with at most 100 characters."),
    ],
)
def test_over_long_search_fields_are_an_error_on_the_page(client_as, req, role, url, message):
    long = "Q" * 5000
    response = client_as(role).get(url.format(long=long))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "role,url", [("customer", "/requests"), ("agent", "/staff/requests"), ("admin", "/admin/users")]
)
def test_huge_page_numbers_show_the_last_page(client_as, req, role, url):
    assert client_as(role).get(f"{url}?page={HUGE}").status_code == 200


def test_an_over_long_subject_is_a_form_error(client_as, db, users):
    catalog(db)
    db.commit()
    html = post_new(client_as("customer"), subject="S" * 201, description="Typed").get_data(as_text=True)
    assert "under 200 characters" in html and "Typed" in html
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(ServiceRequest)) == 0

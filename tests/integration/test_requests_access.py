"""Who may open what in the request, staff and admin areas: every loader and gate, every role.

Each case names the exact status code, so that removing any one check (a login requirement, a
blueprint gate, an object rule) changes at least one answer here; state-changing requests also
prove that nothing changed for those refused.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from knowledge_base.db import utcnow
from portal.models import CannedResponse, RequestStatus, ServiceRequest, User
from portal.requests.attachments import Upload
from tests.conftest import csrf_token
from tests.integration.requests_helpers import catalog, make_request, png_bytes

ANONYMOUS = "anonymous"
ROLES = ("customer", "customer2", "agent", "marketer", "admin", ANONYMOUS)


@pytest.fixture
def world(app, db, users):
    """A resolved request of `customer` with a real stored photo, and one canned response."""
    catalog(db)
    req = make_request(app, db, users["customer"], uploads=[Upload("leak.png", png_bytes())])
    req.status, req.resolved_at = RequestStatus.RESOLVED, utcnow()
    canned = CannedResponse(title="Hello", body="Hello {customer_name}")
    db.add(canned)
    db.commit()
    return SimpleNamespace(
        ref=req.reference,
        request_id=req.id,
        attachment=req.attachments[0].id,
        canned=canned.id,
        target=users["customer2"].id,
    )


@pytest.fixture
def as_role(app, client_as):
    """A client for a role; "anonymous" is a fresh client that never logged in."""

    def make(role: str):
        return app.test_client() if role == ANONYMOUS else client_as(role)

    return make


def token(client) -> str:
    """A CSRF token for the client's session (every page's header carries one)."""
    return csrf_token(client, "/")


def assert_answer(response, expected: int) -> None:
    """`expected` 302 for anonymous visitors means: sent to the login page."""
    assert response.status_code == expected, (response.status_code, response.headers.get("Location"))
    if expected == 302 and response.headers["Location"].startswith("/login"):
        assert "next=" in response.headers["Location"]


def request_state(db, world) -> tuple:
    db.expire_all()
    found = db.get(ServiceRequest, world.request_id)
    return found.status, found.rating, len(found.messages), found.assignee_id


# --- customer pages --------------------------------------------------------------------------

VIEW_REQUEST = {
    "customer": 200,
    "customer2": 404,
    "agent": 404,
    "marketer": 404,
    "admin": 404,
    ANONYMOUS: 302,
}


@pytest.mark.parametrize("role", ROLES)
def test_request_page_is_for_its_customer_only(as_role, world, role):
    response = as_role(role).get(f"/requests/{world.ref}")
    assert_answer(response, VIEW_REQUEST[role])
    if role == ANONYMOUS:
        assert response.headers["Location"].startswith("/login")
    if response.status_code == 200:
        assert "leak.png" in response.get_data(as_text=True)


CUSTOMER_ACTIONS = {
    "reply": {"body": "Any news?"},
    "close": {"confirm": "yes"},
    "reopen": {},
    "rate": {"rating": "5", "comment": "Fine"},
}
ACT = {"customer": 302, "customer2": 404, "agent": 404, "marketer": 404, "admin": 404, ANONYMOUS: 302}


@pytest.mark.parametrize("action", CUSTOMER_ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_customer_actions_are_for_the_requests_customer_only(as_role, db, world, role, action):
    client = as_role(role)
    before = request_state(db, world)
    response = client.post(
        f"/requests/{world.ref}/{action}", data={"csrf_token": token(client), **CUSTOMER_ACTIONS[action]}
    )
    assert_answer(response, ACT[role])
    after = request_state(db, world)
    if role == "customer":
        assert response.headers["Location"] == f"/requests/{world.ref}"
        assert after != before  # the owner's action did something
    else:
        assert after == before
        if role == ANONYMOUS:
            assert response.headers["Location"].startswith("/login")


DOWNLOAD = {"customer": 200, "customer2": 404, "agent": 200, "marketer": 404, "admin": 200, ANONYMOUS: 302}


@pytest.mark.parametrize("preview", ["", "?preview=1"])
@pytest.mark.parametrize("role", ROLES)
def test_attachments_download_for_owner_and_support_staff_only(as_role, world, role, preview):
    """The file exists on disk: a refusal here comes from the access rule, not a missing file."""
    response = as_role(role).get(f"/attachments/{world.attachment}{preview}")
    assert_answer(response, DOWNLOAD[role])
    if response.status_code == 200:
        assert response.data == png_bytes()


@pytest.mark.parametrize("url", ["/requests", "/requests/new"])
def test_customer_lists_and_form_need_a_login(as_role, url):
    assert_answer(as_role(ANONYMOUS).get(url), 302)
    assert as_role("customer").get(url).status_code == 200


def test_anonymous_cannot_raise_a_request(app, db, world):
    client = app.test_client()
    response = client.post(
        "/requests/new",
        data={"subject": "Spam", "description": "Spam", "priority": "normal", "csrf_token": token(client)},
    )
    assert_answer(response, 302)
    assert response.headers["Location"].startswith("/login")
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(ServiceRequest)) == 1


def test_customer_list_shows_no_one_elses_requests(as_role, world):
    assert world.ref in as_role("customer").get("/requests").get_data(as_text=True)
    for role in ("customer2", "agent", "admin"):
        assert world.ref not in as_role(role).get("/requests?status=").get_data(as_text=True)


# --- staff pages -----------------------------------------------------------------------------

STAFF = {"customer": 403, "customer2": 403, "agent": 200, "marketer": 403, "admin": 200, ANONYMOUS: 302}


@pytest.mark.parametrize("url", ["/staff/requests", "/staff/requests/{ref}", "/staff/canned"])
@pytest.mark.parametrize("role", ROLES)
def test_staff_pages_are_for_agents_and_admins(as_role, world, role, url):
    response = as_role(role).get(url.format(ref=world.ref))
    assert_answer(response, STAFF[role])
    if response.status_code == 200 and "{ref}" in url:
        assert "leak.png" in response.get_data(as_text=True)


STAFF_POST = {k: (302 if v == 200 else v) for k, v in STAFF.items()}


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_handle_a_request(as_role, db, world, role):
    client = as_role(role)
    before = request_state(db, world)
    version = db.get(ServiceRequest, world.request_id).version
    response = client.post(
        f"/staff/requests/{world.ref}",
        data={
            "csrf_token": token(client),
            "body": "Handled",
            "status": "closed",
            "confirm_close": "y",
            "assignee": "",
            "priority": "",
            "version": str(version),
        },
    )
    assert_answer(response, STAFF_POST[role])
    after = request_state(db, world)
    if STAFF[role] == 200:
        assert after[0] == RequestStatus.CLOSED and after[2] == 1
    else:
        assert after == before


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_add_and_delete_canned_responses(as_role, db, world, role):
    client = as_role(role)
    created = client.post(
        "/staff/canned",
        data={"csrf_token": token(client), "title": "New one", "body": "Text", "category": ""},
    )
    deleted = client.post(f"/staff/canned/{world.canned}/delete", data={"csrf_token": token(client)})
    assert_answer(created, STAFF_POST[role])
    assert_answer(deleted, STAFF_POST[role])
    db.expire_all()
    titles = set(db.scalars(select(CannedResponse.title)))
    assert titles == ({"New one"} if STAFF[role] == 200 else {"Hello"})


# --- admin pages -----------------------------------------------------------------------------

ADMIN = {"customer": 403, "customer2": 403, "agent": 403, "marketer": 403, "admin": 200, ANONYMOUS: 302}


@pytest.mark.parametrize(
    "url", ["/admin/users", "/admin/users/{target}", "/admin/audit", "/admin/catalog", "/admin/sla"]
)
@pytest.mark.parametrize("role", ROLES)
def test_admin_pages_are_for_admins_only(as_role, world, role, url):
    assert_answer(as_role(role).get(url.format(target=world.target)), ADMIN[role])


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_change_roles_and_deactivate(as_role, db, world, role):
    client = as_role(role)
    changed = client.post(f"/admin/users/{world.target}", data={"csrf_token": token(client), "role": "admin"})
    toggled = client.post(f"/admin/users/{world.target}/active", data={"csrf_token": token(client)})
    expected = 302 if ADMIN[role] == 200 else ADMIN[role]
    assert_answer(changed, expected)
    assert_answer(toggled, expected)
    db.expire_all()
    target = db.get(User, world.target)
    if role == "admin":
        assert (target.role, target.is_active) == ("admin", False)
    else:
        assert (target.role, target.is_active) == ("customer", True)


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_set_sla_policies(as_role, db, world, role):
    from portal.models import SlaPolicy

    client = as_role(role)
    data = {"csrf_token": token(client)}
    for p in ("low", "normal", "high", "urgent"):
        data[f"{p}_first"], data[f"{p}_resolution"] = "30", "300"
    assert_answer(client.post("/admin/sla", data=data), 302 if role == "admin" else ADMIN[role])
    db.expire_all()
    assert (db.scalar(select(func.count()).select_from(SlaPolicy)) == 4) == (role == "admin")


def test_closing_without_confirmation_asks_first_and_changes_nothing(as_role, db, world):
    client = as_role("customer")
    before = request_state(db, world)
    response = client.post(f"/requests/{world.ref}/close", data={"csrf_token": token(client)})
    assert response.status_code == 200
    assert 'name="confirm" value="yes"' in response.get_data(as_text=True)
    assert request_state(db, world) == before

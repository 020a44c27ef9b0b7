"""portal/access.py on its own: the role and object rules, the gates and the loaders.

Every view will ask this module, so each rule here has a test that fails when the rule is
broken (scripts/mutate.py breaks them one at a time).
"""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin, login_user
from sqlalchemy import select
from werkzeug.exceptions import Forbidden, NotFound

from portal import access
from portal.access import MAX_ID, Action, allows
from portal.models import Attachment, ServiceRequest, User
from tests.integration.requests_helpers import catalog, make_request

A = Action


@pytest.fixture
def req(app, db, users) -> ServiceRequest:
    """A request of `customer`, with one attachment."""
    catalog(db)
    found = make_request(app, db, users["customer"], uploads=[])
    db.add(
        Attachment(
            request_id=found.id,
            uploader_id=users["customer"].id,
            original_name="a.txt",
            stored_name="a" * 32,
            content_type="text/plain",
            size=1,
        )
    )
    db.commit()
    return found


@pytest.fixture
def attachment(db, req) -> Attachment:
    return db.scalar(select(Attachment).where(Attachment.request_id == req.id))


@pytest.fixture
def as_user(app, users):
    """`with as_user("agent"):` runs the block in a request where that user is logged in."""
    from contextlib import contextmanager

    @contextmanager
    def logged_in(role: str | None):
        with app.test_request_context("/"):
            if role is not None:
                login_user(users[role])
            yield

    return logged_in


AREAS = {
    A.WORK_QUEUE: {"agent", "admin"},
    A.CURATE_KB: {"agent", "admin"},
    A.REVIEW_KB: {"admin"},  # agents only with the kb_editor right
    A.MARKETING: {"marketer", "admin"},
    A.ADMINISTER: {"admin"},
}
ROLES = ("customer", "customer2", "agent", "marketer", "admin")


@pytest.mark.parametrize("action", list(AREAS))
def test_area_actions_follow_the_roles(users, action):
    allowed = {role for role in ROLES if allows(users[role], action)}
    assert allowed == AREAS[action]


def test_reviewing_articles_needs_the_editor_right(users, db):
    agent = users["agent"]
    assert not allows(agent, A.REVIEW_KB) and allows(agent, A.CURATE_KB)
    agent.kb_editor = True
    db.commit()
    assert allows(agent, A.REVIEW_KB)
    users["marketer"].kb_editor = True
    assert not allows(users["marketer"], A.REVIEW_KB)


def test_inactive_and_anonymous_users_may_do_nothing(users, db, req):
    admin = users["admin"]
    admin.is_active = False
    db.commit()
    assert not any(allows(admin, action) for action in AREAS)
    assert not allows(admin, A.VIEW, req) and not allows(admin, A.HANDLE, req)
    anonymous = AnonymousUserMixin()
    assert not any(allows(anonymous, action) for action in AREAS)
    assert not allows(anonymous, A.VIEW, req) and not allows(None, A.VIEW, req)


REQUEST_RULES = {
    # role: (view, follow, handle)
    "customer": (True, True, False),  # the owner
    "customer2": (False, False, False),
    "agent": (True, False, True),
    "marketer": (False, False, False),
    "admin": (True, False, True),
}


@pytest.mark.parametrize("role", ROLES)
def test_request_rules_per_role(users, req, role):
    user = users[role]
    got = (allows(user, A.VIEW, req), allows(user, A.FOLLOW, req), allows(user, A.HANDLE, req))
    assert got == REQUEST_RULES[role]
    assert not allows(user, A.EDIT, req) and not allows(user, A.REVIEW, req)


@pytest.mark.parametrize("role", ROLES)
def test_attachments_follow_their_request(users, attachment, role):
    view, _follow, handle = REQUEST_RULES[role]
    user = users[role]
    assert allows(user, A.VIEW, attachment) is view
    assert allows(user, A.FOLLOW, attachment) is view  # reading an attachment is seeing the request
    assert allows(user, A.HANDLE, attachment) is handle


def test_user_objects_only_admins_and_oneself(users):
    customer, other, admin = users["customer"], users["customer2"], users["admin"]
    assert allows(customer, A.VIEW, customer) and not allows(customer, A.EDIT, customer)
    assert not allows(customer, A.VIEW, other) and not allows(users["agent"], A.VIEW, other)
    assert allows(admin, A.VIEW, other) and allows(admin, A.EDIT, other)


def test_object_actions_need_a_known_object(users):
    admin = users["admin"]
    for action in (A.VIEW, A.FOLLOW, A.HANDLE, A.EDIT, A.REVIEW):
        assert not allows(admin, action)  # no object
        assert not allows(admin, action, object())  # a type without rules
        assert not allows(admin, action, "SR-2026-000001")


@pytest.mark.parametrize(
    "value,expected",
    [
        (1, 1),
        ("42", 42),
        (MAX_ID, MAX_ID),
        (MAX_ID + 1, None),
        (str(2**63), None),
        (0, None),
        (-1, None),
        ("abc", None),
        ("1.5", None),
        (None, None),
        (float("inf"), None),
    ],
)
def test_valid_id_keeps_ids_in_the_integer_range(value, expected):
    assert access.valid_id(value) == expected


def test_check_hides_what_the_user_may_not_see(as_user, req):
    with as_user("customer2"):
        with pytest.raises(NotFound):
            access.check(req, A.VIEW)
        with pytest.raises(NotFound):
            access.check(req, A.HANDLE)
        with pytest.raises(Forbidden):
            access.check(req, A.VIEW, hidden=403)
    with as_user("customer"):
        assert access.check(req, A.FOLLOW) is req
        with pytest.raises(Forbidden):  # the owner sees it, but staff work is not theirs
            access.check(req, A.HANDLE)
    with as_user("agent"):
        assert access.check(req, A.HANDLE) is req
        with pytest.raises(Forbidden):
            access.check(req, A.FOLLOW)
        with pytest.raises(NotFound):
            access.check(None, A.VIEW)
        with pytest.raises(NotFound):  # a missing object is never "forbidden": that would say it exists
            access.check(None, A.HANDLE, hidden=403)


def test_load_answers_404_for_bad_missing_and_hidden_ids(as_user, req):
    with as_user("customer"):
        assert access.load(ServiceRequest, req.id).id == req.id
        assert access.load(ServiceRequest, str(req.id), A.FOLLOW).id == req.id
        for bad in ("abc", 0, -5, MAX_ID + 1, 2**70, None, req.id + 1000):
            with pytest.raises(NotFound):
                access.load(ServiceRequest, bad)
        with pytest.raises(Forbidden):
            access.load(ServiceRequest, req.id, A.HANDLE)
    with as_user("customer2"):
        with pytest.raises(NotFound):
            access.load(ServiceRequest, req.id, A.FOLLOW)
        with pytest.raises(NotFound):
            access.load(ServiceRequest, req.id)


def test_load_staff_object_answers_404_for_bad_and_missing_ids(as_user, req, users):
    with as_user("agent"):
        assert access.load_staff_object(ServiceRequest, req.id).id == req.id
        assert access.load_staff_object(User, str(users["customer"].id)).email == "customer@example.com"
        for bad in ("x", 0, MAX_ID + 1, None, req.id + 1000):
            with pytest.raises(NotFound):
                access.load_staff_object(ServiceRequest, bad)


def test_request_by_reference_never_shows_another_customers_request(as_user, req):
    with as_user("customer"):
        assert access.request_by_reference(req.reference, A.FOLLOW).id == req.id
        with pytest.raises(Forbidden):
            access.request_by_reference(req.reference, A.HANDLE)
    with as_user("agent"):
        assert access.request_by_reference(req.reference).id == req.id
        with pytest.raises(NotFound):  # a customer URL, not 403: the staff pages are elsewhere
            access.request_by_reference(req.reference, A.FOLLOW)
    with as_user("customer2"):
        for action in (A.VIEW, A.FOLLOW, A.HANDLE):
            with pytest.raises(NotFound):
                access.request_by_reference(req.reference, action)
        for missing in ("SR-1999-000001", "x" * 33, ""):
            with pytest.raises(NotFound):
                access.request_by_reference(missing)


@pytest.mark.parametrize("action", list(AREAS))
def test_gate_lets_in_only_the_allowed_roles(as_user, users, action):
    check = access.gate(action)
    for role in ROLES:
        with as_user(role):
            if role in AREAS[action]:
                assert check() is None
            else:
                with pytest.raises(Forbidden):
                    check()
    with as_user(None):
        response = check()
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_requires_guards_one_view(as_user):
    view = access.requires(A.MARKETING)(lambda: "the view ran")
    with as_user("marketer"):
        assert view() == "the view ran"
    with as_user("agent"), pytest.raises(Forbidden):
        view()
    with as_user(None):
        response = view()
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_load_user_checks_the_security_stamp_and_the_active_flag(app, db, users):
    customer = users["customer"]
    with app.test_request_context("/"):
        assert access.load_user(customer.get_id()).id == customer.id
        for bad in (f"{customer.id}:wrong-stamp", f"{customer.id}", "abc:x", f"{MAX_ID + 1}:x", ":", ""):
            assert access.load_user(bad) is None
    old_id = customer.get_id()
    customer.security_stamp = "0" * 32
    db.commit()
    with app.test_request_context("/"):
        assert access.load_user(old_id) is None
        assert access.load_user(customer.get_id()).id == customer.id
    customer.is_active = False
    db.commit()
    with app.test_request_context("/"):
        assert access.load_user(customer.get_id()) is None

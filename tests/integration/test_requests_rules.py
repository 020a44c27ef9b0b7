"""The plain rules behind the request pages: object access, one error type, one place per limit."""

from __future__ import annotations

import pytest

from knowledge_base.errors import FieldError
from portal import access
from portal.access import Action
from portal.models import RequestStatus
from portal.models.requests import OPEN_STATUSES
from portal.requests.attachments import Upload
from portal.requests.errors import ConflictError, TransitionError
from tests.integration.requests_helpers import catalog, make_request, png_bytes, post_new

# who may do what with customer's request (and its attachment); admins work the queue too
REQUEST_RULES = {
    "customer": {Action.VIEW: True, Action.FOLLOW: True, Action.HANDLE: False},
    "customer2": {Action.VIEW: False, Action.FOLLOW: False, Action.HANDLE: False},
    "agent": {Action.VIEW: True, Action.FOLLOW: False, Action.HANDLE: True},
    "marketer": {Action.VIEW: False, Action.FOLLOW: False, Action.HANDLE: False},
    "admin": {Action.VIEW: True, Action.FOLLOW: False, Action.HANDLE: True},
}


@pytest.mark.parametrize("role", REQUEST_RULES)
def test_request_and_attachment_rules(app, db, users, role):
    catalog(db)
    req = make_request(app, db, users["customer"], uploads=[Upload("a.png", png_bytes())])
    user = users[role]
    for action, expected in REQUEST_RULES[role].items():
        assert access.allows(user, action, req) is expected, (role, action)
    assert access.allows(user, Action.VIEW, req.attachments[0]) is REQUEST_RULES[role][Action.VIEW]
    assert access.allows(user, Action.FOLLOW, req.attachments[0]) is REQUEST_RULES[role][Action.VIEW]


def test_an_inactive_owner_may_do_nothing(app, db, users):
    catalog(db)
    req = make_request(app, db, users["customer"])
    users["customer"].is_active = False
    assert not access.allows(users["customer"], Action.FOLLOW, req)
    assert not access.allows(None, Action.VIEW, req)


@pytest.mark.parametrize("role", ["customer", "agent", "marketer", "admin"])
def test_user_objects_are_administered_by_admins_only(db, users, role):
    other = users["customer2"]
    assert access.allows(users[role], Action.EDIT, other) is (role == "admin")
    assert access.allows(users[role], Action.VIEW, users[role])


def test_request_errors_are_field_errors():
    assert issubclass(TransitionError, FieldError) and issubclass(ConflictError, FieldError)
    conflict = ConflictError("changed", ["event"])
    assert conflict.changes == ["event"] and conflict.field is None


def test_open_statuses_are_the_ones_that_need_work():
    assert set(OPEN_STATUSES) == {RequestStatus.NEW, RequestStatus.OPEN, RequestStatus.WAITING_ON_CUSTOMER}


def test_the_customer_list_filters_active_requests(app, client_as, db, users):
    catalog(db)
    done = make_request(app, db, users["customer"], subject="Finished one")
    make_request(app, db, users["customer"], subject="Still going")
    done.status = RequestStatus.CLOSED
    db.commit()
    html = client_as("customer").get("/requests?status=active").get_data(as_text=True)
    assert "Still going" in html and "Finished one" not in html


def test_upload_limits_on_the_form_come_from_the_settings(app, client_as, db, users, monkeypatch):
    catalog(db)
    db.commit()
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_FILES", 2)
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 2_500_000)
    monkeypatch.setitem(app.config, "REQUEST_ATTACHMENTS_MAX_BYTES", 4_000_000)
    customer = client_as("customer")
    page = customer.get("/requests/new").get_data(as_text=True)
    assert "Up to 2 files, 2.5 MB each, 4 MB in all." in page
    html = post_new(customer, files=[(f"f{i}.txt", b"hi") for i in range(3)]).get_data(as_text=True)
    assert "Attach at most 2 files." in html


def test_default_upload_limits_are_shown(client_as, db, users):
    catalog(db)
    db.commit()
    page = client_as("customer").get("/requests/new").get_data(as_text=True)
    assert "Up to 5 files, 10 MB each, 25 MB in all." in page

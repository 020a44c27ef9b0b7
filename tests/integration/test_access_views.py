"""Every object loader and role gate in the views, seen from the outside.

Each test names the view it guards: a customer URL never serves staff (FOLLOW, not VIEW), a
gated area refuses the other roles, and an unknown id or reference is 404 (never a 500).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from knowledge_base.models import Article
from portal.models import RequestMessage, RequestStatus, ServiceRequest
from portal.requests import services
from tests.conftest import csrf_token
from tests.integration.kb_helpers import publish_article
from tests.integration.marketing_helpers import article_with_suggestions
from tests.integration.requests_helpers import catalog, handling_form, make_request
from tests.integration.test_access_requests import new_request_with_photo

MISSING = 999_999  # an id no test creates


@pytest.fixture
def req(app, db, users):
    catalog(db)
    return make_request(app, db, users["customer"])


def post(client, url: str, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, "/"), **data})


# --- customer request pages: only the owner, staff included ----------------------------------


@pytest.mark.parametrize("role", ["agent", "admin"])
def test_staff_do_not_see_a_customer_request_page(client_as, req, role):
    assert client_as(role).get(f"/requests/{req.reference}").status_code == 404


@pytest.mark.parametrize("role", ["agent", "admin"])
def test_staff_cannot_reply_as_the_customer(client_as, db, req, role):
    response = post(client_as(role), f"/requests/{req.reference}/reply", body="I am the customer now.")
    assert response.status_code == 404
    db.expire_all()
    assert "I am the customer now." not in db.scalars(select(RequestMessage.body)).all()


@pytest.mark.parametrize("action", ["close", "reopen"])
def test_staff_cannot_close_or_reopen_as_the_customer(client_as, db, req, action):
    if action == "reopen":
        db.get(ServiceRequest, req.id).status = RequestStatus.CLOSED
        db.commit()
    before = db.get(ServiceRequest, req.id).status
    assert post(client_as("agent"), f"/requests/{req.reference}/{action}").status_code == 404
    db.expire_all()
    assert db.get(ServiceRequest, req.id).status == before


def test_staff_cannot_rate_as_the_customer(client_as, db, req):
    db.get(ServiceRequest, req.id).status = RequestStatus.CLOSED
    db.commit()
    response = post(client_as("agent"), f"/requests/{req.reference}/rate", rating="1", comment="Bad")
    assert response.status_code == 404
    db.expire_all()
    assert db.get(ServiceRequest, req.id).rating is None


def test_another_customer_does_not_get_an_attachment(client_as, db):
    _req, attachment = new_request_with_photo(client_as, db)
    assert client_as("customer2").get(f"/attachments/{attachment.id}").status_code == 404
    response = client_as("customer").get(f"/attachments/{attachment.id}")
    response.close()
    assert response.status_code == 200


# --- gated staff areas ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("/staff/requests", ("customer", "marketer")),
        ("/staff/kb", ("customer", "marketer")),
        ("/marketing/offers", ("customer", "agent")),
        ("/admin/", ("customer", "agent", "marketer")),
    ],
)
def test_gated_areas_refuse_other_roles_and_anonymous_visitors(client, client_as, url, refused):
    for role in refused:
        assert client_as(role).get(url).status_code == 403, role
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- unknown ids and references inside the gated areas are 404 --------------------------------


def test_unknown_staff_request_reference_is_404(client_as, req):
    agent = client_as("agent")
    assert agent.get("/staff/requests/NO-SUCH-REF").status_code == 404
    assert agent.get(f"/staff/requests/{req.reference}").status_code == 200


def test_a_request_gone_during_a_conflicting_save_is_404(app, client_as, db, req, monkeypatch):
    agent = client_as("agent")
    form = handling_form(agent, req.reference)

    def gone_meanwhile(session, user, found, change, max_chars, **_options):
        found.reference = "GONE-1"  # someone renumbered it meanwhile: the reload finds nothing
        session.commit()
        raise StaleDataError("concurrent save")

    monkeypatch.setattr(services, "staff_update", gone_meanwhile)
    response = agent.post(f"/staff/requests/{req.reference}", data=form)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "method", "url", "data"),
    [
        ("agent", "post", f"/staff/canned/{MISSING}/delete", {}),
        ("admin", "get", f"/admin/users/{MISSING}", None),
        ("admin", "post", f"/admin/users/{MISSING}/active", {}),
        ("agent", "get", "/staff/kb/no-such-article/edit?locale=en", None),
        ("marketer", "get", f"/marketing/offers/{MISSING}", None),
        ("marketer", "post", f"/marketing/offers/{MISSING}/status/paused", {}),
        ("marketer", "post", f"/marketing/suggestions/{MISSING}/approve", {}),
        ("marketer", "post", f"/marketing/suggestions/{MISSING}/exclude", {"word": "washer"}),
        ("marketer", "post", f"/marketing/blocklist/{MISSING}/delete", {}),
    ],
)
def test_unknown_ids_in_staff_areas_are_404(client_as, role, method, url, data):
    client = client_as(role)
    response = client.get(url) if method == "get" else post(client, url, **data)
    assert response.status_code == 404


def test_unknown_revision_of_a_known_article_is_404(app, client_as, db):
    article = publish_article(app, db)
    agent = client_as("agent")
    assert agent.get(f"/staff/kb/router-tips/review/{MISSING}?locale=en").status_code == 404
    revision = db.get(Article, article.id).revisions[-1]
    assert agent.get(f"/staff/kb/router-tips/review/{revision.id}?locale=en").status_code == 200


# --- /go/ ---------------------------------------------------------------------------------------


def test_go_refuses_a_link_that_is_not_approved(app, client_as, db):
    _article, suggestions = article_with_suggestions(app, db)
    assert client_as("customer").get(f"/go/{suggestions['router'].id}").status_code == 404

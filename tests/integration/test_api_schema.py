"""Schemathesis over the whole OpenAPI document against the live app, with a customer's and a
staff member's token: no server error, and every answer matches the document."""

from __future__ import annotations

import tempfile

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from portal import create_app
from portal.marketing.linking import linker_for
from tests.integration.api_helpers import bearer, make_token
from tests.integration.requests_helpers import catalog, make_request, own


@pytest.fixture
def api_world(app, db, users):
    """Some of everything, and one token per role under test (every scope the role may give)."""
    things = catalog(db)
    own(db, users["customer"], things["washer"])
    db.commit()
    make_request(app, db, users["customer"], category="laundry")
    make_request(app, db, users["customer2"])
    with app.app_context():
        linker_for(db, app)  # built once per app (about 10 s): not inside a request's timeout
    limits = ("API_RATE_LIMIT", "REQUEST_RATE_LIMIT", "REPLY_RATE_LIMIT", "STAFF_RATE_LIMIT")
    previous = {name: app.config[name] for name in limits}
    app.config.update({name: "100000 per minute" for name in limits})
    yield {
        "customer": make_token(app, db, users["customer"]),
        "admin": make_token(app, db, users["admin"]),
    }
    app.config.update(previous)


def _document() -> dict:
    """The OpenAPI document the app serves, generated from the code without a database.

    (schemathesis' lazy `from_fixture` loader does not work with pytest 9, so the schema is built
    at import; `test_served_document_is_the_tested_one` checks the live app serves the same.)
    """
    with tempfile.TemporaryDirectory() as instance:
        app = create_app(
            {"TESTING": True, "INSTANCE_PATH": instance, "SECRET_KEY": "s" * 48, "DATABASE_URL": "sqlite://"}
        )
        with app.test_request_context():
            document = app.spec
        app.extensions["db_engine"].dispose()
    return document


DOCUMENT = _document()
schema = schemathesis.openapi.from_dict(DOCUMENT)


def test_served_document_is_the_tested_one(live_server):
    import httpx

    served = httpx.get(f"{live_server.url}/api/v1/openapi.json").json()
    assert served == DOCUMENT
    assert served["openapi"] == "3.1.0"


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_document(case, api_world, live_server):
    for role in ("customer", "admin"):
        case.call_and_validate(
            base_url=live_server.url,
            headers=bearer(api_world[role]),
            # "schema-valid data must be accepted" cannot hold for rules no schema states: a cursor
            # we did not issue (400), a category slug that does not exist (422), a transition the
            # workflow forbids (409). Every other check runs, server errors and conformance included.
            excluded_checks=[positive_data_acceptance],
        )

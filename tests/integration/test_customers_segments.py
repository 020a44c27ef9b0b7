"""Segments: each rule matches the right customers; marketers and admins edit them; offers target them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from knowledge_base.db import utcnow
from knowledge_base.errors import FieldError
from portal.customers import classify, segments
from portal.models import AuditLog, CustomerProduct, Offer, Segment
from tests.conftest import csrf_token
from tests.integration.customer_helpers import LONG_AGO, customers_with_values
from tests.integration.requests_helpers import catalog, make_request


def members(db, rules) -> set[str]:
    from portal.models import User

    ids = db.scalars(segments.members_query(rules, utcnow())).all()
    return {db.get(User, i).name for i in ids}


@pytest.fixture
def crowd(app, db):
    """Value 0 (A, 90 %), Value 1 (C); Value 0 speaks Polish and owns a washer; Value 1 consented."""
    rich, poor = customers_with_values(app, db, [90, 10])
    rich.locale, poor.marketing_consent = "pl", True
    products = catalog(db)
    db.add(CustomerProduct(user_id=rich.id, product_id=products["washer"].id, purchased_on=date.today()))
    db.commit()
    classify.classify_all(db, "orders", LONG_AGO, utcnow())
    db.commit()
    return rich, poor


def test_each_rule_selects_its_customers(app, db, users, crowd):
    rich, poor = crowd
    assert members(db, {}) == {"Value 0", "Value 1", "Customer", "Customer2"}
    assert members(db, {"classes": ["A"]}) == {"Value 0"}
    assert members(db, {"classes": ["B", "C"]}) == {"Value 1", "Customer", "Customer2"}  # no value: C
    assert members(db, {"languages": ["pl"]}) == {"Value 0"}
    assert "Value 1" in members(db, {"languages": ["en"]})  # no locale set: the default language
    assert members(db, {"product_kinds": ["washing-machine"]}) == {"Value 0"}
    assert members(db, {"consent": True}) == {"Value 1", "Customer"}
    assert "Value 1" not in members(db, {"consent": False})
    assert members(db, {"classes": ["A"], "consent": True}) == set()  # every rule must hold
    make_request(app, db, poor)
    assert members(db, {"active_days": 30}) == {"Value 1"}
    users["customer"].last_login_at = utcnow() - timedelta(days=40)
    db.commit()
    assert "Customer" not in members(db, {"active_days": 30}) and "Customer" in members(
        db, {"active_days": 60}
    )


def test_rules_are_validated(app):
    with app.test_request_context():
        for bad in (
            (["D"], [], "", "", None),
            ([], ["de"], "", "", None),
            ([], [], "", "maybe", None),
            ([], [], "", "", 0),
            ([], [], ",".join(f"k{i}" for i in range(21)), "", None),
        ):
            with pytest.raises(FieldError):
                segments.check_rules(*bad)
        assert segments.check_rules(["A"], ["pl"], " washer , router,", "yes", 30) == {
            "classes": ["A"],
            "languages": ["pl"],
            "product_kinds": ["router", "washer"],
            "consent": True,
            "active_days": 30,
        }


@pytest.mark.parametrize(
    ("role", "status"), [("marketer", 200), ("admin", 200), ("agent", 403), ("customer", 403)]
)
def test_marketers_and_admins_edit_segments(app, db, users, client_as, role, status):
    assert client_as(role).get("/marketing/segments").status_code == status


def test_marketer_creates_a_segment_and_sees_its_size(app, db, users, client_as, crowd):
    marketer = client_as("marketer")
    data = {
        "name": "pl-owners",
        "description": "Polish washer owners",
        "languages": ["pl"],
        "product_kinds": "washing-machine",
        "consent": "",
        "active_days": "",
        "csrf_token": csrf_token(marketer, "/marketing/segments/new"),
    }
    assert marketer.post("/marketing/segments/new", data=data).status_code == 302
    segment = db.scalar(select(Segment))
    assert segment.rules["languages"] == ["pl"] and segment.rules["consent"] is None
    listing = marketer.get("/marketing/segments").get_data(as_text=True)
    assert "pl-owners" in listing and "<td>1</td>" in listing
    assert db.scalar(select(AuditLog).where(AuditLog.action == "segment_saved")) is not None
    clash = marketer.post("/marketing/segments/new", data={**data, "name": "PL-Owners"})
    assert clash.status_code == 400 and "already exists" in clash.get_data(as_text=True)
    bad = marketer.post("/marketing/segments/new", data={**data, "name": "bad name!"})
    assert bad.status_code == 400 and 'value="bad name!"' in bad.get_data(as_text=True)


def test_customer_picture_lists_the_segments(app, db, users, client_as, crowd):
    rich, _poor = crowd
    db.add(Segment(name="top", rules={"classes": ["A"]}))
    db.commit()
    page = client_as("agent").get(f"/staff/customers/{rich.id}").get_data(as_text=True)
    assert ">top<" in page


def test_offers_target_rule_segments(app, db, users, client_as):
    from tests.integration.marketing_helpers import article_with_suggestions
    from tests.integration.test_marketing import approve

    _article, suggestions = article_with_suggestions(app, db)
    approve(client_as("marketer"), suggestions["router"])
    router = db.scalar(select(Offer).where(Offer.code == "router"))
    router.segments = ["polish"]
    db.add(Segment(name="polish", rules={"languages": ["pl"]}))
    db.commit()
    customer = client_as("customer")
    assert "/go/" not in customer.get("/kb/en/a/care").get_data(as_text=True)
    users["customer"].locale = "pl"
    db.commit()
    assert "/go/" in customer.get("/kb/en/a/care").get_data(as_text=True)
    router.segments = ["standard"]  # the legacy per-user segment name still targets
    users["customer"].locale = "en"
    db.commit()
    assert "/go/" in customer.get("/kb/en/a/care").get_data(as_text=True)

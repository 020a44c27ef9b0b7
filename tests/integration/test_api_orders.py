"""ERP order totals through the API: the CSV import's checks, all or nothing, admins only."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from portal.api import tokens
from portal.models import AuditLog, OrderTotal
from tests.integration.api_helpers import bearer, make_token
from tests.integration.customer_helpers import customer

TOMORROW = (date.today() + timedelta(days=1)).isoformat()


def orders(db) -> dict[str, int]:
    return dict(db.execute(select(OrderTotal.order_ref, OrderTotal.total_cents)).all())


def mixed(app, db) -> list[dict]:
    customer(app, db, "Anna")
    db.commit()
    return [
        {"email": "Anna@Example.com", "order_ref": "E-1", "total": 1299.9, "ordered_on": "2026-01-05"},
        {"email": "nobody@example.com", "order_ref": "E-2", "total": "10", "ordered_on": "2026-01-05"},
        {"email": "anna@example.com", "order_ref": "E-3", "total": "12,50", "ordered_on": "2026-01-06"},
        {"email": "anna@example.com", "order_ref": "E-4", "total": True, "ordered_on": "2026-01-06"},
        {"email": "anna@example.com", "order_ref": "E-5", "total": "5", "ordered_on": TOMORROW},
        {"email": "anna@example.com", "order_ref": "E-1", "total": "3", "ordered_on": "2026-01-07"},
    ]


def test_one_bad_order_writes_nothing_and_every_bad_order_is_named(app, db, users, client):
    body = {"orders": mixed(app, db)}
    secret = make_token(app, db, users["admin"], scopes=["orders:write"])
    response = client.post("/api/v1/orders", json=body, headers=bearer(secret))
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    problems = {e["field"]: e["detail"] for e in response.json["errors"]}
    assert sorted(problems) == ["orders.2", "orders.4", "orders.5", "orders.6"]
    assert "nobody@example.com" in problems["orders.2"] and "amount" in problems["orders.4"]
    assert "future" in problems["orders.5"] and "line 1" in problems["orders.6"]
    assert orders(db) == {}


def test_partial_writes_the_good_orders_and_a_rerun_changes_nothing(app, db, users, client):
    body = {"orders": mixed(app, db), "partial": True}
    secret = make_token(app, db, users["admin"], scopes=["orders:write"])
    response = client.post("/api/v1/orders", json=body, headers=bearer(secret))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json["created"] == 2 and response.json["written"] is True
    assert [e["item"] for e in response.json["errors"]] == [2, 4, 5, 6]
    assert orders(db) == {"E-1": 129990, "E-3": 1250}
    audit = db.scalar(select(AuditLog).where(AuditLog.action == "orders_imported"))
    assert audit is not None and audit.details["via"] == "api"
    again = client.post("/api/v1/orders", json=body, headers=bearer(secret))
    assert again.json["created"] == 0 and again.json["updated"] == 0


def test_only_admins_with_the_scope_import(app, db, users, client):
    body = {"orders": mixed(app, db)[:1]}
    assert "orders:write" not in tokens.scopes_for(users["agent"])
    assert "orders:write" in tokens.scopes_for(users["admin"])
    other_scope = make_token(app, db, users["admin"], scopes=["customers:write"])
    assert client.post("/api/v1/orders", json=body, headers=bearer(other_scope)).status_code == 403
    admin = make_token(app, db, users["admin"], scopes=["orders:write"])
    users["admin"].role = users["agent"].role  # demoted after the token was made
    db.commit()
    assert client.post("/api/v1/orders", json=body, headers=bearer(admin)).status_code == 403
    assert db.scalar(select(func.count()).select_from(OrderTotal)) == 0


def test_malformed_bodies_are_refused_before_any_check(app, db, users, client):
    secret = make_token(app, db, users["admin"], scopes=["orders:write"])
    for body in ({}, {"orders": []}, {"orders": [{"email": "a@example.com"}]}, {"orders": "x"}):
        response = client.post("/api/v1/orders", json=body, headers=bearer(secret))
        assert response.status_code == 422 and response.json["errors"], body

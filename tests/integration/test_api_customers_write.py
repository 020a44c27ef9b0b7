"""Staff create customers and register their products through the API: the web's services and checks."""

from __future__ import annotations

from sqlalchemy import select

from portal.models import AuditLog, CustomerProduct, User
from tests.integration.api_helpers import bearer, make_token
from tests.integration.requests_helpers import catalog


def test_agent_creates_a_customer_once(app, db, users, client):
    secret = make_token(app, db, users["agent"])
    created = client.post(
        "/api/v1/customers", json={"email": "New.Person@Example.com", "name": "Nowa"}, headers=bearer(secret)
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    assert created.json["email"] == "new.person@example.com" and created.json["name"] == "Nowa"
    assert created.headers["Location"] == f"/api/v1/customers/{created.json['id']}"
    user = db.get(User, created.json["id"])
    assert user.role.value == "customer"
    assert db.scalar(select(AuditLog).where(AuditLog.target == "new.person@example.com")) is not None
    again = client.post("/api/v1/customers", json={"email": "new.person@example.com"}, headers=bearer(secret))
    assert again.status_code == 409
    staff = client.post("/api/v1/customers", json={"email": "admin@example.com"}, headers=bearer(secret))
    assert staff.status_code == 422 and staff.json["errors"][0]["field"] == "customer"


def test_customers_and_tokens_without_the_scope_may_not_create(app, db, users, client):
    reader = make_token(app, db, users["agent"], scopes=["customers:read"])
    assert (
        client.post("/api/v1/customers", json={"email": "x@example.com"}, headers=bearer(reader)).status_code
        == 403
    )
    customer = make_token(app, db, users["customer"])
    response = client.post("/api/v1/customers", json={"email": "x@example.com"}, headers=bearer(customer))
    assert response.status_code == 403
    assert db.scalar(select(User).where(User.email == "x@example.com")) is None


def test_agent_registers_a_product_with_the_registry_checks(app, db, users, client):
    washer = catalog(db)["washer"]
    db.commit()
    secret = make_token(app, db, users["agent"])
    url = f"/api/v1/customers/{users['customer'].id}/products"
    body = {"product_id": washer.id, "serial_number": "sn-123", "purchased_on": "2024-05-01"}
    created = client.post(url, json=body, headers=bearer(secret))
    assert created.status_code == 201, created.get_data(as_text=True)
    assert created.json["sku"] == "WM-1" and created.json["purchased_on"] == "2024-05-01"
    owned = db.scalar(select(CustomerProduct).where(CustomerProduct.user_id == users["customer"].id))
    assert owned is not None
    duplicate = client.post(url, json=body, headers=bearer(secret))
    assert duplicate.status_code == 422 and duplicate.json["errors"][0]["field"] == "serial_number"
    future = client.post(
        url, json={**body, "serial_number": "sn-9", "purchased_on": "2999-01-01"}, headers=bearer(secret)
    )
    assert future.status_code == 422 and future.json["errors"][0]["field"] == "purchased_on"
    missing = client.post(url, json={**body, "product_id": 999999}, headers=bearer(secret))
    assert missing.status_code == 422 and missing.json["errors"][0]["field"] == "product"


def test_products_only_for_customers_and_only_by_staff(app, db, users, client):
    washer = catalog(db)["washer"]
    db.commit()
    body = {"product_id": washer.id, "serial_number": "sn-1", "purchased_on": "2024-05-01"}
    agent = make_token(app, db, users["agent"])
    staff_target = client.post(
        f"/api/v1/customers/{users['admin'].id}/products", json=body, headers=bearer(agent)
    )
    assert staff_target.status_code == 404
    customer = make_token(app, db, users["customer"])
    own = client.post(
        f"/api/v1/customers/{users['customer'].id}/products", json=body, headers=bearer(customer)
    )
    assert own.status_code == 403
    assert db.scalar(select(CustomerProduct)) is None

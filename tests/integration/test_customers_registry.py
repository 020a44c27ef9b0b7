"""Product registry: warranty ends, serial patterns checked safely, receipts with the attachment checks."""

from __future__ import annotations

import io
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from knowledge_base.errors import FieldError
from portal.customers import registry
from portal.models import AuditLog, CustomerProduct
from tests.conftest import csrf_token
from tests.integration.requests_helpers import catalog, png_bytes


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # clamped to the month's last day (leap year)
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 11, 15), 24, date(2026, 11, 15)),
        (date(2024, 12, 1), 1, date(2025, 1, 1)),
    ],
)
def test_warranty_end_adds_calendar_months(start, months, end):
    assert registry.add_months(start, months) == end


def test_in_and_out_of_warranty(app, db):
    washer = catalog(db)["washer"]
    washer.warranty_months = 24
    owned = CustomerProduct(user_id=1, product=washer, purchased_on=date(2024, 3, 1))
    assert registry.in_warranty(owned, date(2026, 2, 28)) is True
    assert registry.in_warranty(owned, date(2026, 3, 1)) is False  # the end day is the first day without
    assert registry.in_warranty(CustomerProduct(user_id=1, product=washer), date.today()) is None


@pytest.mark.parametrize(
    "pattern",
    [
        "(a+)+$",
        "(a*)*",
        "(a|a)+",
        "(a?)+",
        "(?:ab|a)+\\d+",
        "(a)\\1",
        "(?=a)a",
        "(?<!b)a",
        "[",
        "x" * 201,
        "(a{1,5}){2,9}",
    ],
)
def test_dangerous_or_broken_patterns_are_refused_at_save(pattern):
    with pytest.raises(FieldError):
        registry.check_pattern(pattern)


@pytest.mark.parametrize(
    "pattern", ["WM-[0-9]{6}", "[A-Z]{2}\\d{4}-[A-Z0-9]{3,8}", "(AB|CD)-\\d+", "[A-Z]+(-[0-9]+)?", ""]
)
def test_ordinary_patterns_are_accepted(pattern):
    assert registry.check_pattern(pattern) == pattern


def test_serials_match_the_whole_pattern_in_upper_case(app, db):
    washer = catalog(db)["washer"]
    washer.serial_pattern = "WM-[0-9]{6}"
    assert registry.check_serial(washer, " wm-123456 ") == "WM-123456"
    for bad in ("WM-1234567", "XWM-123456", "WM-12345", "", "WM-" + "1" * 100):
        with pytest.raises(FieldError):
            registry.check_serial(washer, bad)


def test_serial_check_is_fast_even_for_hostile_input(app, db):
    washer = catalog(db)["washer"]
    washer.serial_pattern = registry.check_pattern("[A-Z0-9]+(-[A-Z0-9]+)?")
    started = time.perf_counter()
    with pytest.raises(FieldError):
        registry.check_serial(washer, "A" * 59 + "!")
    assert time.perf_counter() - started < 1  # a generous bound: catastrophic backtracking takes minutes


def register(client, **fields):
    data = {
        "product": "",
        "serial_number": "WM-123456",
        "purchased_on": (date.today() - timedelta(days=30)).isoformat(),
        "csrf_token": csrf_token(client, "/account/products"),
    }
    data.update(fields)
    files = data.pop("receipt", None)
    if files is not None:
        data["receipt"] = (io.BytesIO(files[1]), files[0])
    return client.post("/account/products", data=data, content_type="multipart/form-data")


@pytest.fixture
def products(db):
    found = catalog(db)
    found["washer"].serial_pattern = "WM-[0-9]{6}"
    found["washer"].warranty_months = 24
    db.commit()
    return found


def test_customer_registers_a_product_with_a_receipt_and_sees_the_warranty(
    app, db, users, client_as, products
):
    client = client_as("customer")
    done = register(client, product=str(products["washer"].id), receipt=("receipt.png", png_bytes()))
    assert done.status_code == 302
    owned = db.scalar(select(CustomerProduct).where(CustomerProduct.user_id == users["customer"].id))
    assert owned.serial_number == "WM-123456" and owned.receipt_content_type == "image/png"
    page = client.get("/account/products").get_data(as_text=True)
    assert "AquaClean washer" in page and "in warranty until" in page
    receipt = client.get(f"/account/products/{owned.id}/receipt")
    assert receipt.status_code == 200 and receipt.data == png_bytes()
    assert receipt.headers["X-Content-Type-Options"] == "nosniff"
    assert client_as("customer2").get(f"/account/products/{owned.id}/receipt").status_code == 404
    assert client_as("agent").get(f"/account/products/{owned.id}/receipt").status_code == 200


def test_bad_serial_keeps_what_was_typed(app, db, users, client_as, products):
    refused = register(client_as("customer"), product=str(products["washer"].id), serial_number="XX-1")
    page = refused.get_data(as_text=True)
    assert (
        refused.status_code == 400 and "does not look like a serial number" in page and 'value="XX-1"' in page
    )
    assert db.scalar(select(CustomerProduct)) is None


@pytest.mark.parametrize(
    ("receipt", "message"),
    [
        (("receipt.exe", b"MZ\x90\x00" + b"\x00" * 64), "not an accepted file type"),
        (("../../etc/passwd.png", png_bytes()), "is not allowed"),
        (("big.txt", b"a" * (registry.RECEIPT_MAX_BYTES + 1)), "larger than"),
    ],
)
def test_receipts_get_the_attachment_checks(app, db, users, client_as, products, receipt, message):
    refused = register(client_as("customer"), product=str(products["washer"].id), receipt=receipt)
    assert refused.status_code == 400 and message in refused.get_data(as_text=True)
    assert db.scalar(select(CustomerProduct)) is None


def test_future_dates_duplicates_and_unknown_products_are_refused(app, db, users, client_as, products):
    client = client_as("customer")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert "in the future" in register(
        client, product=str(products["washer"].id), purchased_on=tomorrow
    ).get_data(as_text=True)
    assert "Choose a product" in register(client, product="999999").get_data(as_text=True)
    assert register(client, product=str(products["washer"].id)).status_code == 302
    again = register(client, product=str(products["washer"].id), serial_number="wm-123456")
    assert again.status_code == 400 and "already registered" in again.get_data(as_text=True)


def test_request_form_lists_registered_products_first_with_warranty(app, db, users, client_as, products):
    db.add_all(
        [
            CustomerProduct(
                user_id=users["customer"].id,
                product=products["washer"],
                serial_number="WM-000001",
                purchased_on=date.today() - timedelta(days=900),
            ),
            CustomerProduct(
                user_id=users["customer"].id,
                product=products["router"],
                serial_number="RT-9",
                purchased_on=date.today() - timedelta(days=10),
            ),
        ]
    )
    db.commit()
    page = client_as("customer").get("/requests/new").get_data(as_text=True)
    mine_washer = page.index("Mine: AquaClean washer (WM-000001), out of warranty since")
    mine_router = page.index("Mine: NetWave router (RT-9), in warranty until")
    catalogue_washer = page.index(f'value="catalog:{products["washer"].id}"')
    assert max(mine_washer, mine_router) < catalogue_washer


def test_agents_see_warranty_on_the_request_page(app, db, users, client_as, products):
    from tests.integration.requests_helpers import make_request

    owned = CustomerProduct(
        user_id=users["customer"].id,
        product=products["washer"],
        serial_number="WM-000001",
        purchased_on=date.today() - timedelta(days=900),
    )
    db.add(owned)
    db.commit()
    found = make_request(app, db, users["customer"], product=f"own:{owned.id}")
    page = client_as("agent").get(f"/staff/requests/{found.reference}").get_data(as_text=True)
    assert "out of warranty since" in page and "(this request)" in page
    assert "not classified" in page  # the customer's class, once classified
    assert f"/staff/customers/{users['customer'].id}" in page


def test_customers_remove_their_own_products_only(app, db, users, client_as, products):
    owned = CustomerProduct(user_id=users["customer"].id, product=products["router"], serial_number="RT-1")
    db.add(owned)
    db.commit()
    owned_id = owned.id
    other = client_as("customer2")
    token = csrf_token(other, "/account/products")
    assert other.post(f"/account/products/{owned.id}/delete", data={"csrf_token": token}).status_code == 404
    mine = client_as("customer")
    token = csrf_token(mine, "/account/products")
    assert mine.post(f"/account/products/{owned.id}/delete", data={"csrf_token": token}).status_code == 302
    db.expire_all()
    assert db.scalar(select(CustomerProduct).where(CustomerProduct.id == owned_id)) is None


def test_staff_have_no_product_registry_of_their_own(app, db, users, client_as):
    assert client_as("agent").get("/account/products").status_code == 404


def test_admin_sets_warranty_price_and_pattern_with_audit(app, db, users, client_as, products):
    admin = client_as("admin")
    url = f"/admin/catalog/products/{products['router'].id}"
    data = {
        "warranty_months": "36",
        "price": "199.90",
        "serial_pattern": "RT-\\d{4}",
        "csrf_token": csrf_token(admin, url),
    }
    assert admin.post(url, data=data).status_code == 302
    db.expire_all()
    router = db.get(type(products["router"]), products["router"].id)
    assert (router.warranty_months, router.price_cents, router.serial_pattern) == (36, 19990, "RT-\\d{4}")
    assert db.scalar(select(AuditLog).where(AuditLog.action == "product_settings_changed")) is not None
    refused = admin.post(url, data={**data, "serial_pattern": "(a+)+"})
    assert refused.status_code == 400 and "cannot be used" in refused.get_data(as_text=True)
    assert client_as("agent").get(url).status_code == 403

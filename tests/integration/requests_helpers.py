"""Helpers to arrange requests for tests."""

from __future__ import annotations

import io
import struct
import zlib

from portal.models import Category, CustomerProduct, Product, ServiceRequest
from portal.requests import services


def png_bytes() -> bytes:
    """A real 1x1 PNG."""
    raw = b"\x00\xff\x00\x00"

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def catalog(db) -> dict:
    """A category, two products, and a washing machine owned by the customer."""
    laundry = Category(slug="laundry", name="Laundry")
    washer = Product(sku="WM-1", name="AquaClean washer", kind="washing-machine", category=laundry)
    router = Product(sku="RT-1", name="NetWave router", kind="router")
    db.add_all([laundry, washer, router])
    db.flush()
    return {"laundry": laundry, "washer": washer, "router": router}


def own(db, user, product) -> CustomerProduct:
    owned = CustomerProduct(user_id=user.id, product_id=product.id, serial_number=f"SN-{user.id}")
    db.add(owned)
    db.flush()
    return owned


def make_request(app, db, customer, subject="Washer leaks", **extra) -> ServiceRequest:
    """Create a request through the service, as the form would."""
    limits = services.Limits.from_config(app.config)
    data = services.NewRequest(subject=subject, description="Water under the machine.", **extra)
    with app.test_request_context():
        request = services.create_request(db, customer, data, limits)
    db.commit()
    return request


def post_new(client, **fields):
    """Submit the new-request form as a browser would; `files` is a list of (name, bytes)."""
    from tests.conftest import csrf_token

    data = {
        "subject": "Washer leaks",
        "description": "Water under the machine.",
        "category": "laundry",
        "product": "",
        "priority": "normal",
        "csrf_token": csrf_token(client, "/requests/new"),
    }
    files = fields.pop("files", [])
    data.update(fields)
    data["attachments"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/requests/new", data=data, content_type="multipart/form-data")


def handling_form(client, ref):
    """The hidden fields of the handling form, as the browser would send them."""
    import re

    html = client.get(f"/staff/requests/{ref}").get_data(as_text=True)
    fields = dict(
        re.findall(
            r'name="(version|seen_event_id|seen_message_id|csrf_token)" type="hidden" value="([^"]*)"', html
        )
    )
    fields.update({"priority": "", "status": "", "assignee": ""})
    return fields


def submit(client, ref, form, **changes):
    """Post the handling form with `changes` over the hidden fields."""
    data = dict(form)
    data.update(changes)
    return client.post(f"/staff/requests/{ref}", data=data)

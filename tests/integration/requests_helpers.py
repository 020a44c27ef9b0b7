"""Helpers to arrange requests for tests."""

from __future__ import annotations

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

"""Demo data for the customer features: prices, warranties, serial patterns, purchases, segments,
a class-A SLA policy, and a first classification (data in portal/data/demo_customers.json)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
from portal.customers import classify
from portal.customers.orders import parse_amount
from portal.models import ClassSlaPolicy, CustomerClass, CustomerProduct, Priority, Product, Segment


def seed_customer_demo(session: Session, config: dict) -> None:
    """Fill in what is missing; safe to run again."""
    data = json.loads(resources.files("portal.data").joinpath("demo_customers.json").read_text("utf-8"))
    for product in session.scalars(select(Product)):
        settings = data["products"].get(product.sku)
        if settings and not product.price_cents:
            product.price_cents = parse_amount(settings["price"])
            product.warranty_months = settings["warranty_months"]
            product.serial_pattern = settings.get("serial_pattern", "")
    for owned in session.scalars(select(CustomerProduct).where(CustomerProduct.purchased_on.is_(None))):
        days = data["purchased_days_ago"].get(owned.product.sku)
        if days is not None:
            owned.purchased_on = date.today() - timedelta(days=days)
            owned.registered_at = utcnow() - timedelta(days=days)
    existing = set(session.scalars(select(Segment.name)))
    for row in data["segments"]:
        if row["name"] not in existing:
            session.add(Segment(name=row["name"], description=row["description"], rules=row["rules"]))
    for class_name, targets in data["class_sla"].items():
        for priority, (first, resolution) in targets.items():
            key = (CustomerClass(class_name), Priority(priority))
            if session.get(ClassSlaPolicy, key) is None:
                session.add(
                    ClassSlaPolicy(
                        customer_class=key[0],
                        priority=key[1],
                        first_response_minutes=first,
                        resolution_minutes=resolution,
                    )
                )
    session.flush()
    window_start = date.today() - timedelta(days=config.get("CUSTOMER_VALUE_WINDOW_DAYS", 730))
    classify.classify_all(
        session, config.get("CUSTOMER_VALUE_SOURCE", "products+orders"), window_start, utcnow()
    )

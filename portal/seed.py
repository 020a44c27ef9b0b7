"""Demo data for the demo company; safe to run again (creates only what is missing)."""

from __future__ import annotations

import json
import os
import secrets
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.auth.services import create_user, find_user_by_email
from portal.models import CannedResponse, Category, CustomerProduct, Product, Role, ServiceRequest, User
from portal.requests.services import Limits, NewRequest, StaffChange, create_request, staff_update


def load_demo_catalog() -> dict[str, Any]:
    """The demo categories, products and users (data, not code)."""
    text = resources.files("portal.data").joinpath("demo_catalog.json").read_text("utf-8")
    return json.loads(text)


def _seed_categories(session: Session, rows: list[dict]) -> dict[str, Category]:
    by_slug = {c.slug: c for c in session.scalars(select(Category))}
    for row in rows:
        if row["slug"] not in by_slug:
            category = Category(
                slug=row["slug"],
                name=row["name"],
                names=row.get("names", {}),
                parent=by_slug.get(row.get("parent", "")),
            )
            session.add(category)
            by_slug[row["slug"]] = category
    return by_slug


def _seed_products(session: Session, rows: list[dict], categories: dict[str, Category]) -> dict[str, Product]:
    by_sku = {p.sku: p for p in session.scalars(select(Product))}
    for row in rows:
        if row["sku"] not in by_sku:
            product = Product(
                sku=row["sku"],
                name=row["name"],
                names=row.get("names", {}),
                kind=row["kind"],
                category=categories.get(row["category"]),
            )
            session.add(product)
            by_sku[row["sku"]] = product
    return by_sku


def _seed_users(
    session: Session,
    rows: list[dict],
    products: dict[str, Product],
    password: str,
    hash_params: dict,
) -> list[str]:
    created = []
    for row in rows:
        if find_user_by_email(session, row["email"]) is not None:
            continue
        user: User = create_user(
            session,
            email=row["email"],
            name=row["name"],
            password=password,
            role=Role(row["role"]),
            hash_params=hash_params,
            locale=row.get("locale"),
            marketing_consent=row.get("marketing_consent", False),
            segment=row.get("segment", "standard"),
            kb_editor=row.get("kb_editor", False),
        )
        for sku in row.get("owns", []):
            session.add(
                CustomerProduct(user_id=user.id, product=products[sku], serial_number=f"{sku}-{user.id:05d}")
            )
        created.append(user.email)
    return created


def _seed_canned(session: Session, rows: list[dict], categories: dict[str, Category]) -> None:
    existing = {c.title for c in session.scalars(select(CannedResponse))}
    for row in rows:
        if row["title"] not in existing:
            category = categories.get(row["category"]) if row.get("category") else None
            session.add(CannedResponse(title=row["title"], body=row["body"], category=category))


def _seed_requests(session: Session, rows: list[dict], config: dict[str, Any]) -> int:
    if session.scalar(select(ServiceRequest.id).limit(1)) is not None:
        return 0
    limits = Limits.from_config(config)
    agent = find_user_by_email(session, "agent@example.com")
    for row in rows:
        customer = find_user_by_email(session, row["customer"])
        owned = session.scalar(
            select(CustomerProduct)
            .join(Product)
            .where(CustomerProduct.user_id == customer.id, Product.sku == row["own_sku"])
        )
        data = NewRequest(
            subject=row["subject"],
            description=row["description"],
            category=row["category"],
            product=f"own:{owned.id}" if owned else "",
            priority=row["priority"],
        )
        request = create_request(session, customer, data, limits)
        if row.get("status") == "resolved" and agent is not None:
            change = StaffChange(
                version=request.version,
                body="We updated the firmware remotely; the restarts should stop now.",
                status="resolved",
                assignee=str(agent.id),
            )
            session.flush()
            staff_update(session, agent, request, change, max_chars=limits.message_max_chars)
    return len(rows)


def demo_articles_folder() -> Path:
    """The demo knowledge base (Markdown with front matter, four languages)."""
    return Path(str(resources.files("portal.data").joinpath("demo_kb")))


def _seed_articles(session: Session):
    from knowledge_base.importer import import_folder

    return import_folder(session, demo_articles_folder())


def _seed_offers_and_links(session: Session, config: dict[str, Any]) -> None:

    from portal.marketing import linking
    from portal.marketing.offers import import_offers
    from portal.models import LinkSuggestion, Offer

    if session.scalar(select(Offer.id).limit(1)) is None:
        text = resources.files("portal.data").joinpath("demo_offers.json").read_text("utf-8")
        import_offers(session, text)
        session.flush()
    if session.scalar(select(LinkSuggestion.id).limit(1)) is None:
        linking.rescan(session)


def seed_demo_data(session: Session, config: dict[str, Any], *, if_empty: bool = False) -> list[str]:
    """Create the demo data that is missing and commit; return lines to print."""
    if if_empty and session.scalar(select(User.id).limit(1)) is not None:
        return ["Database already has data; demo seeding skipped."]
    catalog = load_demo_catalog()
    password = os.environ.get("PORTAL_DEMO_PASSWORD") or ""
    generated = not password
    if generated:
        password = secrets.token_urlsafe(12)
    categories = _seed_categories(session, catalog["categories"])
    session.flush()
    products = _seed_products(session, catalog["products"], categories)
    session.flush()
    created = _seed_users(session, catalog["users"], products, password, config.get("ARGON2_PARAMS", {}))
    session.flush()
    _seed_canned(session, catalog.get("canned_responses", []), categories)
    request_count = _seed_requests(session, catalog.get("requests", []), config)
    if request_count:  # a fresh demo: add months of history for the dashboard
        from portal.seed_history import seed_history

        session.flush()
        request_count += seed_history(session)
    kb_report = _seed_articles(session)
    session.commit()
    _seed_offers_and_links(session, config)
    session.commit()
    from portal.customers.demo import seed_customer_demo

    seed_customer_demo(session, config)
    session.commit()
    lines = [
        f"Demo data ready: {len(categories)} categories, {len(products)} products, "
        f"{request_count} new service requests, {len(kb_report.created)} new articles."
    ]
    lines.extend(f"  article rejected: {name}: {reason}" for name, reason in kb_report.rejected)
    if created:
        lines.append("Demo accounts: " + ", ".join(created))
        lines.append(
            f"Demo password (shown once): {password}"
            if generated
            else "Demo password: the value of PORTAL_DEMO_PASSWORD"
        )
    return lines

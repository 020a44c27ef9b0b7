"""Helpers to arrange customers with values for the customer tests."""

from __future__ import annotations

from datetime import date, timedelta

from portal.auth.services import create_user
from portal.models import OrderTotal, Role, User
from tests.conftest import CHEAP_ARGON2, TEST_PASSWORD

LONG_AGO = date.today() - timedelta(days=3650)


def customer(app, db, name: str, **extra) -> User:
    """A customer account named `name` (email name@example.com)."""
    with app.test_request_context():
        user = create_user(
            db,
            email=f"{name.lower().replace(' ', '.')}@example.com",
            name=name,
            password=TEST_PASSWORD,
            role=Role.CUSTOMER,
            hash_params=CHEAP_ARGON2,
            **extra,
        )
    db.flush()
    return user


def customers_with_values(app, db, cents: list[int]) -> list[User]:
    """One customer per value, each with one ERP order of that many cents (none for 0)."""
    made = []
    for i, value in enumerate(cents):
        user = customer(app, db, f"Value {i}")
        if value:
            db.add(
                OrderTotal(order_ref=f"O-{i}", user_id=user.id, total_cents=value, ordered_on=date.today())
            )
        made.append(user)
    db.commit()
    return made

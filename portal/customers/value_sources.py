"""Where a customer's value comes from: pluggable sources that each give one SQL aggregate per customer.

A source is a callable `(window_start, first_id, last_id) -> Select` returning rows
`(user_id, cents)` for the users whose id is in `first_id..last_id` (the classifier works in
batches of ids, so each source filters on its own user column and stays on its index; a user may
appear several times: the classifier sums them). Register more with `register_source(name, fn)`
from a plugin or the app factory, and pick them with PORTAL_CUSTOMER_VALUE_SOURCE ("a+b" sums).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import Select, func, select, union_all

from portal.models import CustomerProduct, OrderTotal, Product

ValueSource = Callable[[date, int, int], Select]


def registered_products(window_start: date, first_id: int, last_id: int) -> Select:
    """The list price of each product a customer registered as bought inside the window."""
    return (
        select(CustomerProduct.user_id.label("user_id"), func.sum(Product.price_cents).label("cents"))
        .join(Product, Product.id == CustomerProduct.product_id)
        .where(
            CustomerProduct.purchased_on >= window_start, CustomerProduct.user_id.between(first_id, last_id)
        )
        .group_by(CustomerProduct.user_id)
    )


def erp_orders(window_start: date, first_id: int, last_id: int) -> Select:
    """Order totals imported from the ERP (goods and purchased services) inside the window."""
    return (
        select(OrderTotal.user_id.label("user_id"), func.sum(OrderTotal.total_cents).label("cents"))
        .where(OrderTotal.ordered_on >= window_start, OrderTotal.user_id.between(first_id, last_id))
        .group_by(OrderTotal.user_id)
    )


_SOURCES: dict[str, ValueSource] = {"products": registered_products, "orders": erp_orders}
DEFAULT_SOURCE = "products+orders"


def register_source(name: str, source: ValueSource) -> None:
    """Make another value source available by name."""
    _SOURCES[name] = source


def source_names() -> list[str]:
    """The names a source setting may combine."""
    return sorted(_SOURCES)


def check_spec(spec: str) -> list[str]:
    """The source names in `spec` ("products+orders"); ValueError for an unknown one."""
    names = [n.strip() for n in spec.split("+") if n.strip()]
    unknown = [n for n in names if n not in _SOURCES]
    if not names or unknown:
        raise ValueError(f"unknown value source {spec!r}; choose from {', '.join(source_names())}")
    return names


def combined(spec: str, window_start: date, first_id: int, last_id: int):
    """Rows (user_id, cents) of every source named in `spec` for users first_id..last_id, not yet summed."""
    parts = [_SOURCES[name](window_start, first_id, last_id) for name in check_spec(spec)]
    return parts[0] if len(parts) == 1 else union_all(*parts)

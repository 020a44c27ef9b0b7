"""Where a customer's value comes from: pluggable sources, each one SQL expression per customer.

A source is a callable `(window_start, user_id) -> scalar SQL expression` giving the cents one
customer is worth, correlated to the `user_id` column of the classifier's query (a `SELECT
coalesce(sum(...), 0) ... WHERE <table>.user_id = user_id`). Correlated per customer, each source
is an index lookup per row, so the plan stays the same whatever the table statistics say.
Register more with `register_source(name, fn)` from a plugin or the app factory, and pick them
with PORTAL_CUSTOMER_VALUE_SOURCE ("a+b" adds them up).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import ColumnElement, func, select

from portal.models import CustomerProduct, OrderTotal, Product

ValueSource = Callable[[date, ColumnElement], ColumnElement]


def registered_products(window_start: date, user_id: ColumnElement) -> ColumnElement:
    """The list price of each product the customer registered as bought inside the window."""
    return (
        select(func.coalesce(func.sum(Product.price_cents), 0))
        .join(CustomerProduct, Product.id == CustomerProduct.product_id)
        .where(CustomerProduct.user_id == user_id, CustomerProduct.purchased_on >= window_start)
        .scalar_subquery()
    )


def erp_orders(window_start: date, user_id: ColumnElement) -> ColumnElement:
    """Order totals imported from the ERP (goods and purchased services) inside the window."""
    return (
        select(func.coalesce(func.sum(OrderTotal.total_cents), 0))
        .where(OrderTotal.user_id == user_id, OrderTotal.ordered_on >= window_start)
        .scalar_subquery()
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


def combined(spec: str, window_start: date, user_id: ColumnElement) -> ColumnElement:
    """The sum of every source named in `spec` for the customer `user_id`."""
    parts = [_SOURCES[name](window_start, user_id) for name in check_spec(spec)]
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total

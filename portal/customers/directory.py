"""Find customers by name, email, product serial or request reference."""

from __future__ import annotations

import re

from sqlalchemy import Select, func, or_, select

from portal.customers.registry import normalise_serial
from portal.models import CustomerProduct, Role, ServiceRequest, User

QUERY_MAX = 120
REFERENCE_RE = re.compile(r"^SR-\d{4}-\d{1,10}$")
#: The top code point: `prefix <= x < prefix + TOP` is a prefix range a B-tree index answers.
_TOP = "\U0010ffff"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _prefix(column, text: str):
    """`column` starts with `text`: an index range scan, re-checked with LIKE."""
    return (column >= text) & (column < text + _TOP) & column.like(_escape_like(text) + "%", escape="\\")


def search_query(raw: str) -> Select:
    """Customers matching `raw`, best-known first (name, then id).

    A request reference is looked up exactly and an email or serial number by prefix, all on
    indexes; a name matches anywhere in it, case-insensitively (that part scans the names).
    """
    text = raw.strip()[:QUERY_MAX]
    query = select(User).where(User.role == Role.CUSTOMER)
    if not text:
        return query.order_by(User.name, User.id)
    conditions = []
    upper = text.upper()
    if REFERENCE_RE.match(upper):
        conditions.append(
            User.id.in_(select(ServiceRequest.customer_id).where(ServiceRequest.reference == upper))
        )
    if "@" in text:
        conditions.append(_prefix(User.email, text.lower()))
    else:
        serial = normalise_serial(text)
        conditions.append(
            User.id.in_(select(CustomerProduct.user_id).where(_prefix(CustomerProduct.serial_number, serial)))
        )
        conditions.append(func.lower(User.name).like("%" + _escape_like(text.lower()) + "%", escape="\\"))
        conditions.append(_prefix(User.email, text.lower()))
    return query.where(or_(*conditions)).order_by(User.name, User.id)

"""Customer-class SLA policies: A customers' requests can have targets of their own."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import ClassSlaPolicy, CustomerClass, CustomerValue, Priority, ServiceRequest


def class_of(session: Session, customer_id: int) -> CustomerClass | None:
    """The customer's class from the last classification (None before the first run)."""
    return session.scalar(select(CustomerValue.customer_class).where(CustomerValue.user_id == customer_id))


def class_targets(session: Session, request: ServiceRequest) -> tuple[int, int] | None:
    """(first response, resolution) minutes for the request's customer class and priority, if defined."""
    customer_id = request.customer_id if request.customer_id is not None else request.customer.id
    customer_class = class_of(session, customer_id)
    if customer_class is None:
        return None
    policy = session.get(ClassSlaPolicy, (customer_class, request.priority))
    return None if policy is None else (policy.first_response_minutes, policy.resolution_minutes)


def policies(session: Session) -> dict[tuple[CustomerClass, Priority], ClassSlaPolicy]:
    """Every class policy by (class, priority)."""
    return {(p.customer_class, p.priority): p for p in session.scalars(select(ClassSlaPolicy))}


def save_policies(
    session: Session, customer_class: CustomerClass, rows: Iterable[tuple[Priority, int | None, int | None]]
) -> None:
    """Set (or with None, remove) the class's targets per priority; minutes must be positive."""
    for priority, first, resolution in rows:
        existing = session.get(ClassSlaPolicy, (customer_class, priority))
        if first is None or resolution is None:
            if existing is not None:
                session.delete(existing)
            continue
        if first <= 0 or resolution <= 0 or first > resolution:
            raise ValueError(priority)
        policy = existing or ClassSlaPolicy(customer_class=customer_class, priority=priority)
        policy.first_response_minutes, policy.resolution_minutes = first, resolution
        session.add(policy)

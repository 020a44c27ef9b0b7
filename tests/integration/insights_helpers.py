"""Helpers to arrange requests with chosen timestamps for the dashboard tests."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from knowledge_base.db import utcnow
from portal.models import Priority, RequestEvent, RequestStatus, ServiceRequest

_numbers = itertools.count(1)


def add_request(db, customer, *, days_ago: float, first_h=None, resolved_h=None, **extra) -> ServiceRequest:
    """A request raised `days_ago` days ago, answered after `first_h` and resolved after `resolved_h` hours.

    Due times default to 4 h (first response) and 24 h (resolution) after creation.
    """
    created = utcnow() - timedelta(days=days_ago)
    status = extra.pop("status", RequestStatus.RESOLVED if resolved_h is not None else RequestStatus.OPEN)
    request = ServiceRequest(
        reference=f"SR-T-{next(_numbers):06d}",
        customer_id=customer.id,
        subject="Test",
        description="Test",
        priority=extra.pop("priority", Priority.NORMAL),
        status=status,
        created_at=created,
        first_responded_at=_after(created, first_h),
        resolved_at=_after(created, resolved_h),
        first_response_minutes=None if first_h is None else first_h * 60,  # round the clock: no calendar
        resolution_minutes=None if resolved_h is None else resolved_h * 60,
        first_response_due=created + timedelta(hours=extra.pop("first_due_h", 4)),
        resolution_due=created + timedelta(hours=extra.pop("resolution_due_h", 24)),
        **extra,
    )
    db.add(request)
    db.flush()
    return request


def _after(start: datetime, hours) -> datetime | None:
    return None if hours is None else start + timedelta(hours=hours)


def reopen(db, request: ServiceRequest) -> None:
    """Record the status change resolved → open, as a customer's reopen does."""
    db.add(RequestEvent(request_id=request.id, kind="status", from_value="resolved", to_value="open"))
    db.flush()

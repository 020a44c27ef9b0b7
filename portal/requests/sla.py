"""SLA clocks: due times from the policy of a priority, and escalation of overdue requests.

A policy with a calendar counts business minutes (`business_time`), so the stored due times are
already on that clock: "overdue" and escalation compare them with now and need no calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.customers.sla_policy import class_targets
from portal.models import Calendar, Priority, RequestEvent, RequestStatus, ServiceRequest, SlaPolicy
from portal.models.requests import OPEN_STATUSES
from portal.requests.business_time import Schedule, add_business_minutes

DEFAULT_TARGETS = {  # minutes: first response, resolution
    Priority.LOW: (2 * 24 * 60, 10 * 24 * 60),
    Priority.NORMAL: (24 * 60, 5 * 24 * 60),
    Priority.HIGH: (4 * 60, 2 * 24 * 60),
    Priority.URGENT: (60, 8 * 60),
}


def targets(session: Session, priority: Priority) -> tuple[int, int]:
    """(first response, resolution) minutes for a priority: the admin's policy or the default."""
    policy = session.get(SlaPolicy, priority)
    if policy is None:
        return DEFAULT_TARGETS[priority]
    return policy.first_response_minutes, policy.resolution_minutes


def schedule_for(session: Session, priority: Priority) -> Schedule | None:
    """The business-hours schedule a priority's policy counts on, or None for round the clock."""
    policy = session.get(SlaPolicy, priority)
    if policy is None or policy.calendar is None or not policy.calendar.schedule().has_working_time:
        return None
    return policy.calendar.schedule()


def due_after(start: datetime, minutes: int, schedule: Schedule | None) -> datetime:
    """`minutes` after `start`: business minutes on `schedule`, or plain minutes without one."""
    if schedule is None:
        return start + timedelta(minutes=minutes)
    return add_business_minutes(start, minutes, schedule)


def set_due_times(session: Session, request: ServiceRequest, start: datetime, paused: float = 0.0) -> None:
    """Compute the request's due times from `start` and its priority; `paused` minutes (time
    waited on the customer since `start`) move the resolution due time."""
    first, resolution = class_targets(session, request) or targets(session, request.priority)
    schedule = schedule_for(session, request.priority)
    if request.first_responded_at is None:
        request.first_response_due = due_after(start, first, schedule)
    request.resolution_due = due_after(start, resolution + paused, schedule)


def recompute_open_due_times(session: Session, priorities: Iterable[Priority] | None = None) -> int:
    """After a policy or calendar change: due times of open requests again from their creation."""
    query = select(ServiceRequest).where(ServiceRequest.status.in_(OPEN_STATUSES))
    if priorities is not None:
        query = query.where(ServiceRequest.priority.in_(list(priorities)))
    count = 0
    for request in session.scalars(query).all():
        set_due_times(session, request, as_aware(request.created_at), paused=request.paused_minutes or 0.0)
        count += 1
    return count


def priorities_using(session: Session, calendar: Calendar) -> list[Priority]:
    """The priorities whose policy counts on `calendar`."""
    return list(session.scalars(select(SlaPolicy.priority).where(SlaPolicy.calendar_id == calendar.id)))


def as_aware(moment: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; they are UTC."""
    from datetime import UTC

    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def is_overdue(request: ServiceRequest, now: datetime) -> bool:
    """True if an open request missed its first response or resolution time."""
    if request.status not in OPEN_STATUSES:
        return False
    first_due, resolution_due = as_aware(request.first_response_due), as_aware(request.resolution_due)
    late_first = request.first_responded_at is None and first_due is not None and first_due < now
    paused = request.status == RequestStatus.WAITING_ON_CUSTOMER  # the resolution clock stands still
    return late_first or (not paused and resolution_due is not None and resolution_due < now)


def next_overdue_at(request, now: datetime) -> datetime | None:
    """When an open request that is on time now becomes overdue if nothing changes (None: never,
    or it already is). `request` is a ServiceRequest or a row with the same columns."""
    if request.status not in OPEN_STATUSES:
        return None
    due: list[datetime] = []
    first_due = as_aware(request.first_response_due)
    if request.first_responded_at is None and first_due is not None:
        due.append(first_due)
    resolution_due = as_aware(request.resolution_due)
    if request.status != RequestStatus.WAITING_ON_CUSTOMER and resolution_due is not None:
        due.append(resolution_due)
    if any(moment < now for moment in due):
        return None
    return min(due, default=None)


def overdue_query(now: datetime):
    """Open requests past a due time."""
    return select(ServiceRequest).where(
        ServiceRequest.status.in_(OPEN_STATUSES),
        or_(
            (ServiceRequest.resolution_due < now)
            & (ServiceRequest.status != RequestStatus.WAITING_ON_CUSTOMER),
            (ServiceRequest.first_responded_at.is_(None)) & (ServiceRequest.first_response_due < now),
        ),
    )


def escalate_overdue(session: Session, now: datetime) -> list[ServiceRequest]:
    """Escalate each overdue request once: priority one step up, an event; returns them.

    Idempotent: a request already escalated is left alone until it is answered and late again.
    """
    escalated = []
    for request in session.scalars(overdue_query(now).where(ServiceRequest.escalated_at.is_(None))):
        old = request.priority
        request.priority = old.raised()
        request.escalated_at = now
        session.add(
            RequestEvent(
                request=request,
                kind="escalation",
                from_value=old.value,
                to_value=request.priority.value,
                created_at=now,
            )
        )
        escalated.append(request)
    return escalated


def upsert_policies(
    session: Session,
    rows: Iterable[tuple[Priority, int, int]],
    calendars: dict[Priority, int | None] | None = None,
) -> None:
    """Save first-response/resolution minutes (and, when given, the calendar id) per priority."""
    for priority, first, resolution in rows:
        policy = session.get(SlaPolicy, priority) or SlaPolicy(priority=priority)
        policy.first_response_minutes, policy.resolution_minutes = first, resolution
        if calendars is not None:
            policy.calendar_id = calendars.get(priority)
        session.add(policy)

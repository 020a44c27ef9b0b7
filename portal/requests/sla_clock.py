"""The SLA clock of one request: measured response and resolution times, paused while waiting.

Times are measured on the clock the request's SLA policy counts on (business minutes on its
calendar, plain minutes without one), as Zendesk and Zammad measure them. While a request waits
on the customer its resolution clock stops: the time waited is added to the resolution due time
when work resumes, and left out of the measured resolution time. The first-response clock never
pauses (a request waits on the customer only after someone asked the customer something).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session, object_session

from portal.models import RequestStatus, ServiceRequest
from portal.requests.business_time import Schedule, add_business_minutes, business_minutes_between
from portal.requests.sla import as_aware, schedule_for


def _schedule(request: ServiceRequest) -> Schedule | None:
    session = object_session(request)
    return schedule_for(session, request.priority) if isinstance(session, Session) else None


def clock_minutes(start: datetime, end: datetime, schedule: Schedule | None) -> float:
    """Minutes from `start` to `end` on the SLA clock (business minutes on `schedule`)."""
    start, end = as_aware(start), as_aware(end)
    if schedule is None:
        return (end - start).total_seconds() / 60
    return business_minutes_between(start, end, schedule)


def first_response(request: ServiceRequest, now: datetime) -> None:
    """Record the first public reply and how long it took on the SLA clock (once)."""
    if request.first_responded_at is not None:
        return
    request.first_responded_at = now
    request.first_response_minutes = clock_minutes(request.created_at, now, _schedule(request))


def status_changed(request: ServiceRequest, old: RequestStatus, new: RequestStatus, now: datetime) -> None:
    """Pause, resume and stop the resolution clock as the status moves from `old` to `new`."""
    if new == RequestStatus.WAITING_ON_CUSTOMER and old != new:
        request.sla_paused_at = now
        return
    if old == RequestStatus.WAITING_ON_CUSTOMER and new != old:
        _resume(request, now)
    if new == RequestStatus.RESOLVED:
        waited = request.paused_minutes or 0.0
        spent = clock_minutes(request.created_at, now, _schedule(request))
        request.resolution_minutes = max(0.0, spent - waited)
    elif old == RequestStatus.RESOLVED and new == RequestStatus.OPEN:
        request.resolution_minutes = None


def _resume(request: ServiceRequest, now: datetime) -> None:
    """End a pause: count the time waited and move the resolution due time by it."""
    paused_at = as_aware(request.sla_paused_at)
    request.sla_paused_at = None
    if paused_at is None:
        return
    schedule = _schedule(request)
    waited = max(0.0, clock_minutes(paused_at, now, schedule))
    request.paused_minutes = (request.paused_minutes or 0.0) + waited
    due = as_aware(request.resolution_due)
    if due is None or due <= paused_at:
        return  # the target was missed before the wait: waiting does not un-miss it
    remaining = clock_minutes(paused_at, due, schedule)
    if schedule is None:
        request.resolution_due = now + timedelta(minutes=remaining)
    else:
        request.resolution_due = add_business_minutes(now, remaining, schedule)

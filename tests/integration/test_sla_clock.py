"""The SLA clock: times measured in business hours, and the resolution clock paused while waiting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from portal.insights import metrics
from portal.insights.sql import ALL
from portal.models import Calendar, Priority, RequestStatus, SlaPolicy
from portal.requests import sla_clock
from portal.requests.sla import as_aware, escalate_overdue, is_overdue, overdue_query
from tests.integration.insights_helpers import add_request
from tests.integration.mailout_helpers import customer_reply
from tests.integration.requests_helpers import handling_form, make_request, submit

WARSAW = ZoneInfo("Europe/Warsaw")
OFFICE = {str(day): [[9 * 60, 17 * 60]] for day in range(5)}  # Monday-Friday 09:00-17:00


def warsaw(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of the week of Monday 2026-03-02, Warsaw wall time, in UTC."""
    return datetime(2026, 3, day, hour, minute, tzinfo=WARSAW).astimezone(UTC)


def office_hours(db) -> None:
    calendar = Calendar(name="Office", time_zone="Europe/Warsaw", hours=OFFICE)
    db.add_all(
        [calendar, SlaPolicy(priority=Priority.NORMAL, first_response_minutes=60, resolution_minutes=120)]
    )
    db.flush()
    db.get(SlaPolicy, Priority.NORMAL).calendar = calendar
    db.flush()


def test_times_are_measured_in_business_hours(db, users):
    office_hours(db)
    request = add_request(db, users["customer"], days_ago=0)
    request.created_at = warsaw(6, 16)  # Friday 16:00
    sla_clock.first_response(request, warsaw(9, 9, 30))  # Monday 09:30
    assert request.first_response_minutes == 90  # one hour on Friday, half an hour on Monday
    sla_clock.first_response(request, warsaw(9, 12))  # only the first reply counts
    assert request.first_response_minutes == 90
    sla_clock.status_changed(request, RequestStatus.OPEN, RequestStatus.RESOLVED, warsaw(10, 10))
    assert request.resolution_minutes == 60 + 8 * 60 + 60  # Friday, all of Monday, Tuesday 9-10


def test_waiting_on_the_customer_pauses_the_resolution_clock(db, users):
    office_hours(db)
    request = add_request(db, users["customer"], days_ago=0)
    request.created_at, request.resolution_due = warsaw(2, 9), warsaw(2, 11)  # Monday, 120 minutes
    sla_clock.status_changed(request, RequestStatus.OPEN, RequestStatus.WAITING_ON_CUSTOMER, warsaw(2, 10))
    assert as_aware(request.sla_paused_at) == warsaw(2, 10)
    sla_clock.status_changed(request, RequestStatus.WAITING_ON_CUSTOMER, RequestStatus.OPEN, warsaw(3, 10))
    assert request.sla_paused_at is None
    assert request.paused_minutes == 7 * 60 + 60  # Monday 10-17 and Tuesday 9-10 waited
    assert as_aware(request.resolution_due) == warsaw(3, 11)  # the hour left when the wait began
    sla_clock.status_changed(request, RequestStatus.OPEN, RequestStatus.RESOLVED, warsaw(3, 10, 30))
    assert request.resolution_minutes == 90  # 570 business minutes, 480 of them waiting


def test_a_target_missed_before_the_wait_stays_missed(db, users):
    request = add_request(db, users["customer"], days_ago=0)
    due = datetime(2026, 3, 2, 11, tzinfo=UTC)
    request.resolution_due = due
    sla_clock.status_changed(
        request, RequestStatus.OPEN, RequestStatus.WAITING_ON_CUSTOMER, due + timedelta(hours=1)
    )
    sla_clock.status_changed(
        request, RequestStatus.WAITING_ON_CUSTOMER, RequestStatus.OPEN, due + timedelta(hours=5)
    )
    assert as_aware(request.resolution_due) == due and request.paused_minutes == 240


def test_a_waiting_request_is_not_overdue_nor_escalated(db, users):
    request = add_request(
        db, users["customer"], days_ago=2, first_h=1, status=RequestStatus.WAITING_ON_CUSTOMER
    )
    db.commit()
    now = datetime.now(UTC)
    assert as_aware(request.resolution_due) < now
    assert not is_overdue(request, now)
    assert db.scalars(overdue_query(now)).all() == []
    assert escalate_overdue(db, now) == [] and request.priority == Priority.NORMAL
    request.status = RequestStatus.OPEN  # the clock runs again: now it is late
    db.flush()
    assert is_overdue(request, now) and db.scalars(overdue_query(now)).all() == [request]


def test_the_customers_answer_resumes_the_clock_and_moves_the_due_time(app, client_as, db, users):
    req = make_request(app, db, users["customer"])
    agent = client_as("agent")
    submit(
        agent, req.reference, handling_form(agent, req.reference), body="Photo?", status="waiting_on_customer"
    )
    db.expire_all()
    assert req.status == RequestStatus.WAITING_ON_CUSTOMER and req.sla_paused_at is not None
    assert 'data-sla="paused"' in agent.get(f"/staff/requests/{req.reference}").get_data(as_text=True)
    assert req.first_response_minutes is not None and req.first_response_minutes < 5
    req.sla_paused_at = as_aware(req.sla_paused_at) - timedelta(hours=2)  # as if two hours went by
    due_before = as_aware(req.resolution_due)
    db.commit()
    assert customer_reply(client_as("customer"), req.reference, "Here it is.").status_code == 302
    db.expire_all()
    assert req.status == RequestStatus.OPEN and req.sla_paused_at is None
    assert 119 < req.paused_minutes < 125
    assert 'data-sla="paused"' not in agent.get(f"/staff/requests/{req.reference}").get_data(as_text=True)
    assert timedelta(minutes=119) < as_aware(req.resolution_due) - due_before < timedelta(minutes=125)


def test_the_dashboard_reports_the_measured_times_not_the_timestamps(db, users):
    request = add_request(db, users["customer"], days_ago=1, first_h=1, resolved_h=10)
    request.resolution_minutes = 120  # eight of the ten hours were spent waiting on the customer
    db.flush()
    now = datetime.now(UTC)
    scope = metrics.Scope(db, now - timedelta(days=7), now, (), now)
    assert metrics.resolution_time(scope)[ALL]["median"] == 120 * 60
    assert metrics.first_response_time(scope)[ALL]["median"] == 3600

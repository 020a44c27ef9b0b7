"""Business-hours calendars: admin pages (audited), and due times, overdue and escalation on that clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal.models import AuditLog, Calendar, Priority, ServiceRequest, SlaPolicy
from portal.requests.sla import as_aware, escalate_overdue, is_overdue, set_due_times
from tests.conftest import csrf_token
from tests.integration.insights_helpers import add_request

WARSAW = ZoneInfo("Europe/Warsaw")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SLA_MINUTES = {"low": (600, 6000), "normal": (60, 120), "high": (30, 300), "urgent": (10, 100)}


def calendar_form(client, url, name="Office", hours="09:00-17:00", holidays="", **extra):
    data = {
        "csrf_token": csrf_token(client, url),
        "name": name,
        "time_zone": "Europe/Warsaw",
        "holidays": holidays,
    }
    for day in WEEKDAYS:
        data[day] = hours if day not in ("sat", "sun") else ""
    data.update(extra)
    return data


def sla_form(client, calendar_id=""):
    data = {"csrf_token": csrf_token(client, "/admin/sla")}
    for p, (first, resolution) in SLA_MINUTES.items():
        data[f"{p}_first"], data[f"{p}_resolution"] = str(first), str(resolution)
        data[f"{p}_calendar"] = str(calendar_id)
    return data


def office(db) -> Calendar:
    return db.scalar(select(Calendar).where(Calendar.name == "Office"))


def test_admin_sets_business_hours_and_due_times_move(client_as, db, users):
    admin = client_as("admin")
    assert (
        admin.post("/admin/calendars/new", data=calendar_form(admin, "/admin/calendars/new")).status_code
        == 302
    )
    assert admin.post("/admin/sla", data=sla_form(admin)).status_code == 302  # round the clock first
    # an open request raised on a Friday at 16:00 Warsaw time, normal priority (120 minutes to resolve)
    friday = datetime(2026, 3, 6, 16, 0, tzinfo=WARSAW).astimezone(UTC)  # the portal stores UTC
    request = add_request(db, users["customer"], days_ago=0)
    request.created_at = friday
    set_due_times(db, request, friday)
    db.commit()
    assert as_aware(request.resolution_due).astimezone(UTC) == friday.astimezone(UTC) + timedelta(minutes=120)

    calendar = office(db)
    assert admin.post("/admin/sla", data=sla_form(admin, calendar.id)).status_code == 302
    db.expire_all()
    assert db.get(SlaPolicy, Priority.NORMAL).calendar_id == calendar.id
    moved = db.get(ServiceRequest, request.id)
    # one working hour on Friday, the second on Monday morning
    assert as_aware(moved.resolution_due).astimezone(WARSAW) == datetime(2026, 3, 9, 10, 0, tzinfo=WARSAW)
    assert as_aware(moved.first_response_due).astimezone(WARSAW) == datetime(2026, 3, 6, 17, 0, tzinfo=WARSAW)

    # the admin changes the hours: Monday starts at 08:00 now, and Monday is a holiday
    url = f"/admin/calendars/{calendar.id}"
    data = calendar_form(admin, url, hours="08:00-17:00", holidays="2026-03-09 Local holiday")
    assert admin.post(url, data=data).status_code == 302
    db.expire_all()
    assert as_aware(db.get(ServiceRequest, request.id).resolution_due).astimezone(WARSAW) == datetime(
        2026, 3, 10, 9, 0, tzinfo=WARSAW
    )
    actions = db.scalars(
        select(AuditLog.action).where(AuditLog.action != "login").order_by(AuditLog.id)
    ).all()
    assert actions == ["calendar.created", "sla.changed", "sla.changed", "calendar.changed"]
    page = admin.get(url).get_data(as_text=True)
    assert "2026-03-09 Local holiday" in page and "08:00-17:00" in page


def test_overdue_and_escalation_count_business_time(app, client_as, db, users):
    admin = client_as("admin")
    admin.post("/admin/calendars/new", data=calendar_form(admin, "/admin/calendars/new"))
    admin.post("/admin/sla", data=sla_form(admin, office(db).id))
    friday = datetime(2026, 3, 6, 16, 0, tzinfo=WARSAW).astimezone(UTC)  # the portal stores UTC
    request = add_request(db, users["customer"], days_ago=0)
    request.first_responded_at = friday + timedelta(minutes=10)  # answered: the resolution clock remains
    set_due_times(db, request, friday)
    db.commit()
    saturday_noon = datetime(2026, 3, 7, 12, 0, tzinfo=WARSAW)  # 20 h later, but only 1 working hour
    assert not is_overdue(request, saturday_noon)
    assert escalate_overdue(db, saturday_noon) == []  # round the clock it would be 18 h late
    monday = datetime(2026, 3, 9, 10, 30, tzinfo=WARSAW)
    assert is_overdue(request, monday)
    assert [r.id for r in escalate_overdue(db, monday)] == [request.id]
    db.rollback()


def test_deleting_a_calendar_returns_policies_to_round_the_clock(client_as, db, users):
    admin = client_as("admin")
    admin.post("/admin/calendars/new", data=calendar_form(admin, "/admin/calendars/new"))
    calendar_id = office(db).id
    admin.post("/admin/sla", data=sla_form(admin, calendar_id))
    response = admin.post(
        f"/admin/calendars/{calendar_id}/delete",
        data={"csrf_token": csrf_token(admin, "/admin/calendars/new")},
    )
    assert response.status_code == 302
    db.expire_all()
    assert db.get(SlaPolicy, Priority.NORMAL).calendar_id is None and office(db) is None
    assert "calendar.deleted" in db.scalars(select(AuditLog.action)).all()


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("mon", "9-17", "Write hours like 09:00-17:00"),
        ("tue", "09:00-12:00, 11:00-13:00", "must not overlap"),
        ("holidays", "2026-12-25 Christmas\nsoon", "Line 2"),
        ("time_zone", "Mars/Olympus", "Choose a time zone"),
        ("name", "", "Give the calendar a name"),
    ],
)
def test_bad_calendar_input_is_explained_and_kept(client_as, db, field, value, message):
    admin = client_as("admin")
    data = calendar_form(admin, "/admin/calendars/new", **{field: value})
    response = admin.post("/admin/calendars/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    if field in ("mon", "tue"):
        assert f'value="{value}"' in html
    assert db.scalar(select(Calendar.id)) is None


def test_a_calendar_without_working_hours_is_refused(client_as, db):
    admin = client_as("admin")
    response = admin.post("/admin/calendars/new", data=calendar_form(admin, "/admin/calendars/new", hours=""))
    assert response.status_code == 400 and "at least one day" in response.get_data(as_text=True)


def test_sla_page_refuses_an_unknown_calendar(client_as, db):
    admin = client_as("admin")
    response = admin.post("/admin/sla", data=sla_form(admin, "999"))
    assert "Choose a calendar from the list." in response.get_data(as_text=True)
    assert db.scalar(select(SlaPolicy.priority)) is None


@pytest.mark.parametrize("role", ["agent", "marketer", "customer"])
def test_only_admins_edit_calendars(client_as, role):
    assert client_as(role).get("/admin/calendars").status_code == 403
    assert client_as(role).get("/admin/calendars/new").status_code == 403

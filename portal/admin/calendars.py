"""Business-hours calendars: validating what an admin typed, saving, deleting (audited), and moving
the due times of open requests whose SLA policy counts on the changed calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from knowledge_base.errors import FieldError
from portal import audit
from portal.models import Calendar, Holiday, SlaPolicy, User
from portal.requests.business_time import format_interval, parse_interval
from portal.requests.sla import priorities_using, recompute_open_due_times

#: Weekday field names, Monday first (0 = Monday, as `date.weekday()`).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_HOLIDAYS = 400
NAME_MAX = 80


@dataclass
class CalendarInput:
    """What the admin typed: name, time zone, "09:00-17:00, 18:00-20:00" per weekday, holiday lines."""

    name: str
    time_zone: str
    hours: dict[str, str]
    holidays: str


def time_zones() -> list[str]:
    """Every IANA time zone name this system knows, sorted."""
    return sorted(available_timezones())


def parse_hours(texts: dict[str, str]) -> dict[str, list[list[int]]]:
    """{"0": [[540, 1020]], …} from the weekday fields; FieldError on the first bad one."""
    hours: dict[str, list[list[int]]] = {}
    for number, key in enumerate(WEEKDAYS):
        text = (texts.get(key) or "").strip()
        if not text:
            continue
        try:
            spans = sorted(parse_interval(part) for part in text.split(",") if part.strip())
        except ValueError:
            raise FieldError(
                _l("Write hours like 09:00-17:00, several separated by commas."), field=key
            ) from None
        if any(a[1] > b[0] for a, b in zip(spans, spans[1:], strict=False)):
            raise FieldError(_l("The hours of one day must not overlap."), field=key)
        hours[str(number)] = [list(span) for span in spans]
    if not hours:
        raise FieldError(_l("Give at least one day working hours."), field=WEEKDAYS[0])
    return hours


def parse_holidays(text: str) -> dict[date, str]:
    """{day: name} from lines "YYYY-MM-DD name"; FieldError naming the first bad line."""
    found: dict[date, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        day_text, _sep, name = line.partition(" ")
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            raise FieldError(
                _l("Line %(n)d: start with a date written YYYY-MM-DD.", n=number), field="holidays"
            ) from None
        found[day] = name.strip()[:NAME_MAX]
    if len(found) > MAX_HOLIDAYS:
        raise FieldError(_l("At most %(n)d holidays per calendar.", n=MAX_HOLIDAYS), field="holidays")
    return found


def form_values(calendar: Calendar) -> dict[str, str]:
    """A calendar as the form's initial values."""
    values = {
        key: ", ".join(format_interval(tuple(span)) for span in (calendar.hours or {}).get(str(n), []))
        for n, key in enumerate(WEEKDAYS)
    }
    values["name"], values["time_zone"] = calendar.name, calendar.time_zone
    values["holidays"] = "\n".join(f"{h.day.isoformat()} {h.name}".strip() for h in calendar.holidays)
    return values


def save_calendar(session: Session, actor: User, calendar: Calendar | None, data: CalendarInput) -> Calendar:
    """Create or change a calendar after checking every field; audit it and move open due times."""
    name = data.name.strip()
    if not name or len(name) > NAME_MAX:
        raise FieldError(
            _l("Give the calendar a name of at most %(n)d characters.", n=NAME_MAX), field="name"
        )
    clash = session.scalar(select(Calendar.id).where(Calendar.name == name))
    if clash is not None and (calendar is None or clash != calendar.id):
        raise FieldError(_l("Another calendar has this name."), field="name")
    if data.time_zone not in available_timezones():
        raise FieldError(_l("Choose a time zone from the list."), field="time_zone")
    hours = parse_hours(data.hours)
    holidays = parse_holidays(data.holidays)
    created = calendar is None
    if calendar is None:
        calendar = Calendar()
        session.add(calendar)
    calendar.name, calendar.time_zone, calendar.hours = name, data.time_zone, hours
    calendar.holidays = []
    session.flush()  # old holidays go first: the new ones may repeat their days (unique per calendar)
    calendar.holidays = [Holiday(day=day, name=label) for day, label in sorted(holidays.items())]
    session.flush()
    audit.record(
        session,
        "calendar.created" if created else "calendar.changed",
        actor=actor,
        target=name,
        time_zone=data.time_zone,
        hours=hours,
        holidays=len(holidays),
    )
    priorities = priorities_using(session, calendar)
    if priorities:
        recompute_open_due_times(session, priorities)
    return calendar


def delete_calendar(session: Session, actor: User, calendar: Calendar) -> None:
    """Delete a calendar; the policies using it count round the clock again."""
    priorities = priorities_using(session, calendar)
    session.execute(update(SlaPolicy).where(SlaPolicy.calendar_id == calendar.id).values(calendar_id=None))
    audit.record(session, "calendar.deleted", actor=actor, target=calendar.name)
    session.delete(calendar)
    session.flush()
    session.expire_all()
    if priorities:
        recompute_open_due_times(session, priorities)

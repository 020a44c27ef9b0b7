"""The dashboard's filters: period (and the one before it), category, product, priority, agent, channel;
and the team rule that limits what an agent sees."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_
from sqlalchemy.sql.elements import ColumnElement

from portal import access
from portal.models import Priority, ServiceRequest, User
from portal.models.requests import CHANNELS

#: Period presets in days; the default is the first.
PERIOD_DAYS = (30, 7, 90, 365)
#: A custom period may be at most this long.
MAX_PERIOD_DAYS = 3 * 366
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
#: Value of the agent filter meaning "requests nobody is assigned to".
UNASSIGNED = "none"


def team_clause(user: User) -> ColumnElement[bool] | None:
    """The requests whose figures `user` may see: admins all (None); an agent their team.

    An agent's team is the agent plus the shared pool: requests assigned to them and requests
    assigned to nobody yet. Requests another agent holds are that agent's team and never count
    in this agent's figures, whatever filter is asked for.
    """
    if access.allows(user, access.Action.ADMINISTER):
        return None
    return or_(ServiceRequest.assignee_id == user.id, ServiceRequest.assignee_id.is_(None))


@dataclass
class InsightFilters:
    """Parsed query arguments; bad values are dropped with a message in `errors`."""

    start: datetime
    end: datetime  # exclusive
    days: int | None = PERIOD_DAYS[0]  # the preset, None for a custom period
    category: int | None = None
    product: int | None = None
    priority: str = ""
    agent: str = ""  # an id, UNASSIGNED or ""
    channel: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def previous(self) -> tuple[datetime, datetime]:
        """The period of the same length just before this one."""
        return self.start - (self.end - self.start), self.start

    @property
    def length_days(self) -> int:
        return max(1, round((self.end - self.start) / timedelta(days=1)))

    @property
    def bucket_days(self) -> int:
        """Trend granularity: days for a month, weeks up to half a year, 30-day slots beyond."""
        return 1 if self.length_days <= 31 else 7 if self.length_days <= 184 else 30

    def clauses(self, user: User) -> list[ColumnElement[bool]]:
        """Where-clauses on ServiceRequest for everything but the period (team rule included)."""
        found: list[ColumnElement[bool]] = []
        team = team_clause(user)
        if team is not None:
            found.append(team)
        if self.category is not None:
            found.append(ServiceRequest.category_id == self.category)
        if self.product is not None:
            found.append(ServiceRequest.product_id == self.product)
        if self.priority:
            found.append(ServiceRequest.priority == Priority(self.priority))
        if self.agent == UNASSIGNED:
            found.append(ServiceRequest.assignee_id.is_(None))
        elif self.agent:
            found.append(ServiceRequest.assignee_id == int(self.agent))
        if self.channel:
            found.append(ServiceRequest.channel == self.channel)
        return found

    def as_args(self) -> dict[str, str]:
        """The filters as query arguments (links to CSV exports and "write an article" keep them)."""
        args = (
            {"days": str(self.days)}
            if self.days
            else {
                "from": self.start.date().isoformat(),
                "to": (self.end - timedelta(days=1)).date().isoformat(),
            }
        )
        for key in ("category", "product", "priority", "agent", "channel"):
            value = getattr(self, key)
            if value not in (None, ""):
                args[key] = str(value)
        return args

    @classmethod
    def from_args(cls, args: Mapping[str, Any], now: datetime) -> InsightFilters:
        """Read the filters from query arguments; a bad value is ignored and explained."""
        errors: list[str] = []
        today = now.astimezone(UTC).date()
        start_day, end_day, days = _period(args, today, errors)
        found = cls(start=_midnight(start_day), end=_midnight(end_day + timedelta(days=1)), days=days)
        found.errors = errors
        for key in ("category", "product"):
            raw = str(args.get(key, "") or "")
            if raw:
                setattr(found, key, access.valid_id(raw))
                if getattr(found, key) is None:
                    errors.append(str(_l("Choose a value from the list.")))
        priority = str(args.get("priority", "") or "")
        found.priority = priority if priority in {p.value for p in Priority} else ""
        agent = str(args.get("agent", "") or "")
        found.agent = agent if agent == UNASSIGNED or access.valid_id(agent) else ""
        channel = str(args.get("channel", "") or "")
        found.channel = channel if channel in CHANNELS else ""
        if (
            (priority and not found.priority)
            or (agent and not found.agent)
            or (channel and not found.channel)
        ):
            errors.append(str(_l("Choose a value from the list.")))
        found.errors = list(dict.fromkeys(errors))
        return found


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _period(args: Mapping[str, Any], today: date, errors: list[str]) -> tuple[date, date, int | None]:
    """(first day, last day, preset) from `days` or a custom `from`/`to`."""
    raw_from, raw_to = str(args.get("from", "") or ""), str(args.get("to", "") or "")
    if raw_from or raw_to:
        try:
            first, last = date.fromisoformat(raw_from), date.fromisoformat(raw_to)
        except ValueError:
            errors.append(str(_l("Enter both dates as YYYY-MM-DD.")))
        else:
            if not (FIRST_DAY <= first <= last <= LAST_DAY) or (last - first).days >= MAX_PERIOD_DAYS:
                errors.append(
                    str(_l("Choose a period of at most %(n)d days, the first day first.", n=MAX_PERIOD_DAYS))
                )
            else:
                return first, last, None
    raw_days = str(args.get("days", "") or "")
    days = int(raw_days) if raw_days.isdigit() and int(raw_days) in PERIOD_DAYS else PERIOD_DAYS[0]
    return today - timedelta(days=days - 1), today, days

"""Business time: adding and measuring working minutes on a calendar (pure functions, no database).

A `Schedule` holds a time zone, working intervals per weekday and public holidays. Working
intervals are local wall-clock times; each day's intervals are turned into UTC instants with
`zoneinfo`, so a day on which the clocks change is as long as it really is (a 00:00-24:00 day
has 23 hours at the spring-forward change and 25 at the fall-back change).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

#: Minutes in a day: an interval may end at 1440 (24:00, the next midnight).
DAY_MINUTES = 24 * 60
#: How far ahead a due time is searched for before the calendar is called unusable (about 10 years).
MAX_DAYS = 3700


class NoWorkingTimeError(ValueError):
    """The calendar has no working time at all (or none in the next ten years)."""


@dataclass(frozen=True)
class Schedule:
    """Working hours per weekday (0 = Monday) as (start, end) minutes of the day, in `zone`."""

    zone: ZoneInfo
    hours: Mapping[int, tuple[tuple[int, int], ...]]
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        normalised = {}
        for weekday, intervals in self.hours.items():
            if weekday not in range(7):
                raise ValueError(f"weekday {weekday} is not 0-6")
            ordered = tuple(sorted(intervals))
            for start, end in ordered:
                if not 0 <= start < end <= DAY_MINUTES:
                    raise ValueError(f"working interval {start}-{end} is not within one day")
            if any(a[1] > b[0] for a, b in zip(ordered, ordered[1:], strict=False)):
                raise ValueError(f"working intervals of weekday {weekday} overlap")
            normalised[weekday] = ordered
        object.__setattr__(self, "hours", normalised)  # sorted once, so intervals come in time order

    @property
    def has_working_time(self) -> bool:
        """True if at least one weekday has working hours."""
        return any(self.hours.get(day) for day in range(7))


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:  # SQLite hands back naive datetimes; they are UTC
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _local_instant(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall time `minute` on `day` (a time skipped by DST reads as RFC 5545 says)."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
    wall = midnight + timedelta(minutes=minute)  # wall-clock arithmetic on the same tzinfo
    return wall.astimezone(UTC)


def working_intervals(schedule: Schedule, first_day: date) -> Iterator[tuple[datetime, datetime]]:
    """Working intervals as UTC (start, end) pairs, day by day from local date `first_day` on."""
    for offset in range(MAX_DAYS):
        day = first_day + timedelta(days=offset)
        if day in schedule.holidays:
            continue
        for start, end in schedule.hours.get(day.weekday(), ()):
            yield _local_instant(day, start, schedule.zone), _local_instant(day, end, schedule.zone)


def add_business_minutes(start: datetime, minutes: float, schedule: Schedule) -> datetime:
    """The UTC moment `minutes` of working time after `start` (a start outside hours waits for them)."""
    if not schedule.has_working_time:
        raise NoWorkingTimeError("the calendar has no working hours")
    begin = _utc(start)
    remaining = timedelta(minutes=minutes)
    local_day = begin.astimezone(schedule.zone).date()
    for open_at, close_at in working_intervals(schedule, local_day):
        if close_at <= begin:
            continue
        open_at = max(open_at, begin)
        available = close_at - open_at
        if remaining <= available:
            return open_at + remaining
        remaining -= available
    raise NoWorkingTimeError("no working time in the next ten years (holidays only?)")


def business_minutes_between(a: datetime, b: datetime, schedule: Schedule) -> float:
    """Working minutes from `a` to `b` (negative when `b` is before `a`)."""
    start, end = _utc(a), _utc(b)
    if end < start:
        return -business_minutes_between(b, a, schedule)
    total = timedelta()
    local_day = start.astimezone(schedule.zone).date()
    for open_at, close_at in working_intervals(schedule, local_day):
        if open_at >= end:
            break
        overlap = min(close_at, end) - max(open_at, start)
        if overlap > timedelta():
            total += overlap
    return total.total_seconds() / 60


def parse_interval(text: str) -> tuple[int, int]:
    """ "09:00-17:00" as (540, 1020) minutes; "24:00" is the end of the day. ValueError when malformed."""
    start_text, sep, end_text = text.strip().partition("-")
    if not sep:
        raise ValueError(text)
    start, end = _parse_minute(start_text), _parse_minute(end_text)
    if not 0 <= start < end <= DAY_MINUTES:
        raise ValueError(text)
    return start, end


def _parse_minute(text: str) -> int:
    hours, sep, minutes = text.strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        raise ValueError(text)
    value = int(hours) * 60 + int(minutes)
    if int(minutes) >= 60 or value > DAY_MINUTES:
        raise ValueError(text)
    return value


def format_interval(interval: tuple[int, int]) -> str:
    """(540, 1020) as "09:00-17:00"."""
    return "-".join(f"{m // 60:02d}:{m % 60:02d}" for m in interval)

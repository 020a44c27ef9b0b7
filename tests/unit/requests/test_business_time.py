"""Business time on a calendar: weekends, holidays, DST changes, midnight, starts outside hours."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from portal.requests.business_time import (
    NoWorkingTimeError,
    Schedule,
    add_business_minutes,
    business_minutes_between,
    format_interval,
    parse_interval,
)

WARSAW = ZoneInfo("Europe/Warsaw")
NINE_TO_FIVE = {day: ((9 * 60, 17 * 60),) for day in range(5)}  # Monday-Friday


def office(holidays=()) -> Schedule:
    return Schedule(WARSAW, NINE_TO_FIVE, frozenset(holidays))


def local(*args) -> datetime:
    return datetime(*args, tzinfo=WARSAW)


def test_minutes_within_one_working_day():
    due = add_business_minutes(local(2026, 3, 2, 10, 0), 90, office())  # Monday
    assert due == local(2026, 3, 2, 11, 30)


def test_friday_afternoon_rolls_over_the_weekend_to_monday():
    due = add_business_minutes(local(2026, 3, 6, 16, 0), 120, office())  # Friday 16:00 + 2 h
    assert due == local(2026, 3, 9, 10, 0)


def test_start_outside_hours_waits_for_the_next_opening():
    assert add_business_minutes(local(2026, 3, 2, 6, 0), 30, office()) == local(2026, 3, 2, 9, 30)
    assert add_business_minutes(local(2026, 3, 2, 20, 0), 30, office()) == local(2026, 3, 3, 9, 30)
    assert add_business_minutes(local(2026, 3, 7, 12, 0), 30, office()) == local(
        2026, 3, 9, 9, 30
    )  # Saturday


def test_holidays_are_skipped():
    easter_monday = date(2026, 4, 6)
    due = add_business_minutes(local(2026, 4, 3, 16, 0), 120, office([easter_monday]))  # Friday
    assert due == local(2026, 4, 7, 10, 0)


def test_a_span_over_midnight_counts_only_working_time():
    evening = Schedule(WARSAW, {d: ((18 * 60, 24 * 60), (0, 2 * 60)) for d in range(7)})
    due = add_business_minutes(local(2026, 3, 2, 23, 0), 120, evening)  # 23-24 then 00-01
    assert due == local(2026, 3, 3, 1, 0)
    assert business_minutes_between(local(2026, 3, 2, 23, 0), local(2026, 3, 3, 1, 0), evening) == 120


def test_spring_forward_day_is_23_hours_long():
    always = Schedule(WARSAW, {d: ((0, 24 * 60),) for d in range(7)})
    # 29 March 2026: Warsaw jumps from 02:00 CET to 03:00 CEST
    start, end = local(2026, 3, 29, 0, 0), local(2026, 3, 30, 0, 0)
    assert business_minutes_between(start, end, always) == 23 * 60
    assert add_business_minutes(start, 23 * 60, always) == end


def test_fall_back_day_is_25_hours_long():
    always = Schedule(WARSAW, {d: ((0, 24 * 60),) for d in range(7)})
    # 25 October 2026: Warsaw goes back from 03:00 CEST to 02:00 CET
    start, end = local(2026, 10, 25, 0, 0), local(2026, 10, 26, 0, 0)
    assert business_minutes_between(start, end, always) == 25 * 60
    assert add_business_minutes(start, 24 * 60, always) == local(2026, 10, 25, 23, 0)


def test_office_hours_keep_their_wall_clock_across_dst():
    # Friday 27 March 16:00 CET + 2 h → Monday 30 March 10:00 CEST (08:00 UTC, not 09:00 UTC)
    due = add_business_minutes(local(2026, 3, 27, 16, 0), 120, office())
    assert due == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    due = add_business_minutes(local(2026, 10, 23, 16, 0), 120, office())  # back to CET
    assert due == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)


def test_a_working_interval_starting_inside_the_skipped_hour():
    night = Schedule(WARSAW, {6: ((2 * 60 + 30, 4 * 60),)})  # Sundays 02:30-04:00
    # on 29 March 02:30 does not exist; as in RFC 5545 it is read with the offset before the gap,
    # i.e. 03:30 CEST (01:30 UTC), so that Sunday has 30 working minutes, not 90 and not 60
    assert business_minutes_between(local(2026, 3, 29, 0, 0), local(2026, 3, 29, 6, 0), night) == 30
    assert add_business_minutes(local(2026, 3, 29, 0, 0), 10, night) == datetime(
        2026, 3, 29, 1, 40, tzinfo=UTC
    )


def test_naive_datetimes_are_utc():
    naive = datetime(2026, 3, 2, 9, 0)  # 10:00 in Warsaw
    assert add_business_minutes(naive, 60, office()) == local(2026, 3, 2, 11, 0)


def test_minutes_between_is_the_inverse_of_adding():
    start = local(2026, 3, 5, 15, 17)
    for minutes in (0, 1, 43, 480, 481, 2000, 9999):
        due = add_business_minutes(start, minutes, office([date(2026, 3, 9)]))
        assert business_minutes_between(start, due, office([date(2026, 3, 9)])) == pytest.approx(minutes)


def test_minutes_between_is_negative_backwards_and_zero_outside_hours():
    assert business_minutes_between(local(2026, 3, 2, 11, 0), local(2026, 3, 2, 10, 0), office()) == -60
    assert business_minutes_between(local(2026, 3, 7, 8, 0), local(2026, 3, 8, 20, 0), office()) == 0


def test_a_calendar_without_hours_is_refused():
    with pytest.raises(NoWorkingTimeError):
        add_business_minutes(local(2026, 3, 2, 10, 0), 10, Schedule(WARSAW, {}))


@pytest.mark.parametrize("bad", [((600, 540),), ((-1, 10),), ((0, 1441),), ((540, 720), (700, 800))])
def test_intervals_must_lie_within_one_day_and_not_overlap(bad):
    with pytest.raises(ValueError):
        Schedule(WARSAW, {0: bad})


def test_intervals_parse_and_format():
    assert parse_interval(" 09:00-17:30 ") == (540, 1050)
    assert parse_interval("00:00-24:00") == (0, 1440)
    assert format_interval((540, 1050)) == "09:00-17:30"
    for bad in ("9-17", "17:00-09:00", "09:00-24:01", "09:60-10:00", "nine-five", "09:00"):
        with pytest.raises(ValueError):
            parse_interval(bad)

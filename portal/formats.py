"""Dates, times, numbers and percentages in the reader's language and time zone (Flask-Babel)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, available_timezones

from flask import Flask, current_app, g, has_request_context
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    get_locale,
    get_timezone,
)
from flask_login import current_user

#: Formatted times and days remembered (by value, language and zone) per process.
MEMO_SIZE = 8192


@cache
def timezone_names() -> tuple[str, ...]:
    """Every IANA zone name this system knows, sorted (the account page's choices)."""
    return tuple(sorted(available_timezones()))


def is_timezone(name: str | None) -> bool:
    """True for a known IANA zone name."""
    return bool(name) and name in timezone_names()


def select_timezone() -> str:
    """The zone times are shown in: the user's setting, else the configured default."""
    if has_request_context() and current_user and current_user.is_authenticated:
        chosen = getattr(current_user, "timezone", None)
        if is_timezone(chosen):
            return chosen
    return current_app.config["DEFAULT_TIMEZONE"]


def zone_abbreviation(moment: datetime) -> str:
    """The zone a shown time is in, as people write it: "CET", "EST", "UTC+03"."""
    local = _aware(moment).astimezone(ZoneInfo(str(get_timezone())))
    name = local.tzname() or "UTC"
    return f"UTC{name}" if name[:1] in "+-" else name


def _aware(moment: datetime) -> datetime:
    """Stored times without a zone are UTC (SQLite drops it)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def local_datetime(moment: datetime | None, seconds: bool = False) -> str:
    """A stored time in the reader's zone and locale format, followed by its zone: "5.01.2026, 14:05 CET".

    Memoised by time, language and zone (Babel takes ~70 us a time; a list page shows dozens).
    """
    if moment is None:
        return ""
    locale, zone = _reader()
    return _datetime_text(_aware(moment), locale, zone, seconds)


def reader() -> tuple[str, str]:
    """This request's language and time zone as text (what formatted dates depend on)."""
    return _reader()


def _reader() -> tuple[str, str]:
    """This request's language and zone as text, looked up once per request (and language)."""
    locale = get_locale()
    if has_request_context():
        found = g.get("_portal_reader")
        if found is not None and found[0] is locale:
            return found[1]
    value = (str(locale), str(get_timezone()))
    if has_request_context():
        g._portal_reader = (locale, value)
    return value


@lru_cache(maxsize=MEMO_SIZE)
def _datetime_text(moment: datetime, _locale: str, _zone: str, seconds: bool) -> str:
    """`local_datetime` for the current locale and zone (which are part of the key)."""
    shown = format_datetime(moment, "medium" if seconds else "short")
    return f"{shown} {zone_abbreviation(moment)}"


def local_date(moment: date | datetime | None, in_reader_zone: bool = True) -> str:
    """A day in the reader's locale format (a stored time is first moved into the reader's zone).

    `in_reader_zone=False` gives the UTC day: for HTML cached per language, not per time zone.
    """
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = _aware(moment)
    locale, zone = _reader()
    return _date_text(moment, locale, zone if in_reader_zone else "", in_reader_zone)


@lru_cache(maxsize=MEMO_SIZE)
def _date_text(moment: date | datetime, _locale: str, _zone: str, in_reader_zone: bool) -> str:
    """`local_date` for the current locale (and zone, when rebased; both are part of the key)."""
    if isinstance(moment, datetime):
        return format_date(moment, "medium", rebase=in_reader_zone)
    return format_date(moment, "medium")


def _with_decimals(pattern: str, decimals: int) -> str:
    """A CLDR number pattern showing exactly `decimals` fraction digits ("#,##0 %" -> "#,##0.0 %")."""
    positive = pattern.split(";")[0]
    last = positive.rfind("0")
    return positive[: last + 1] + ("." + "0" * decimals if decimals else "") + positive[last + 1 :]


def decimal(number: float | int | None, decimals: int | None = None) -> str:
    """A number with the locale's grouping and decimal separators ("1 234,5" in Polish).

    With `decimals`, exactly that many fraction digits ("12,50" for money).
    """
    if number is None:
        return ""
    if decimals is None:
        return format_decimal(number)
    return format_decimal(number, format=_with_decimals("#,##0", decimals))


def percent(fraction: float | None, decimals: int = 0) -> str:
    """A fraction as the locale writes a percentage ("12 %" in Czech, "12%" in English)."""
    if fraction is None:
        return ""
    pattern = get_locale().percent_formats[None].pattern  # type: ignore[union-attr]
    return format_percent(fraction, format=_with_decimals(pattern, decimals))


def init_app(app: Flask) -> None:
    """Register the formatting filters for templates."""
    app.jinja_env.filters["datetime"] = local_datetime
    app.jinja_env.filters["date"] = local_date
    app.jinja_env.filters["decimal"] = decimal
    app.jinja_env.filters["percent"] = percent

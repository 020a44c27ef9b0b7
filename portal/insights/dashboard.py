"""The dashboard: every measure for the period and the one before, trends, and the tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from portal.insights import metrics
from portal.insights.filters import InsightFilters
from portal.insights.sql import ALL, tune_for_reports
from portal.models import User

#: The summary's measures: key, label, unit ("hours", "percent", "number", "rating").
MEASURES = (
    ("volume", _l("Requests raised"), "number"),
    ("first_response_median", _l("First response time, median"), "hours"),
    ("first_response_p90", _l("First response time, 90th percentile"), "hours"),
    ("resolution_median", _l("Resolution time, median"), "hours"),
    ("resolution_p90", _l("Resolution time, 90th percentile"), "hours"),
    ("sla_first", _l("First responses within target"), "percent"),
    ("sla_resolution", _l("Resolutions within target"), "percent"),
    ("reopen_rate", _l("Reopen rate"), "percent"),
    ("csat_average", _l("Satisfaction, average rating"), "rating"),
    ("csat_top_share", _l("Satisfaction, share of 4 and 5"), "percent"),
    ("deflection_rate", _l("Knowledge-base deflection rate"), "percent"),
    ("no_result_rate", _l("Searches without a result"), "percent"),
)
#: Measures whose improvement is a fall (the change is shown as good when negative).
LOWER_IS_BETTER = frozenset(
    {
        "first_response_median",
        "first_response_p90",
        "resolution_median",
        "resolution_p90",
        "reopen_rate",
        "no_result_rate",
    }
)
BACKLOG_LABELS = {
    "under_1d": _l("under 1 day"),
    "1_3d": _l("1 to 3 days"),
    "3_7d": _l("3 to 7 days"),
    "7_30d": _l("7 to 30 days"),
    "over_30d": _l("over 30 days"),
}


@dataclass
class Dashboard:
    """What the page shows and the CSV exports contain."""

    filters: InsightFilters
    current: dict[str, float | None]
    previous: dict[str, float | None]
    trend_labels: list[str]
    trends: dict[str, list[float | None]]
    backlog: dict[str, int]
    csat_distribution: dict[int, int]
    searches: list[dict[str, Any]]
    counts: dict[str, Any] = field(default_factory=dict)


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 3600


def measures(scope: metrics.Scope) -> dict[Any, dict[str, float | None]]:
    """Every summary measure, per slot (bucketed scope) or for the whole scope (key ALL)."""
    parts = {
        "volume": metrics.volume(scope),
        "first": metrics.first_response_time(scope),
        "resolution": metrics.resolution_time(scope),
        "sla": metrics.sla_compliance(scope),
        "reopen": metrics.reopen_rate(scope),
        "csat": metrics.csat(scope),
        "deflection": metrics.deflection(scope),
        "searches": metrics.search_failures(scope),
    }
    keys = set().union(*(p.keys() for p in parts.values())) or {ALL}
    found = {}
    for key in keys:
        first, resolution = parts["first"].get(key, {}), parts["resolution"].get(key, {})
        sla, reopen = parts["sla"].get(key, {}), parts["reopen"].get(key, {})
        csat, deflect = parts["csat"].get(key, {}), parts["deflection"].get(key, {})
        searches = parts["searches"].get(key, {})
        found[key] = {
            "volume": parts["volume"].get(key, 0),
            "first_response_median": _hours(first.get("median")),
            "first_response_p90": _hours(first.get("p90")),
            "resolution_median": _hours(resolution.get("median")),
            "resolution_p90": _hours(resolution.get("p90")),
            "sla_first": sla.get("first"),
            "sla_resolution": sla.get("resolution"),
            "reopen_rate": reopen.get("rate"),
            "csat_average": csat.get("average"),
            "csat_top_share": csat.get("top_share"),
            "deflection_rate": deflect.get("rate"),
            "no_result_rate": searches.get("rate"),
        }
    return found


def build(
    session: Session, user: User, filters: InsightFilters, now: datetime, work_mem: str | None = None
) -> Dashboard:
    """Compute the dashboard `user` may see for `filters` (`work_mem`: PostgreSQL sort memory)."""
    tune_for_reports(session, work_mem)
    clauses = tuple(filters.clauses(user))
    scope = metrics.Scope(session, filters.start, filters.end, clauses, now)
    prev_start, prev_end = filters.previous
    before = metrics.Scope(session, prev_start, prev_end, clauses, now)
    current, previous = measures(scope)[ALL], measures(before)[ALL]

    bucket = timedelta(days=filters.bucket_days)
    slots = max(1, -(-(filters.end - filters.start) // bucket))
    by_slot = measures(
        metrics.Scope(session, filters.start, filters.end, clauses, now, int(bucket.total_seconds()))
    )
    trends = {key: [by_slot.get(i, {}).get(key) for i in range(slots)] for key, _label, _unit in MEASURES}
    trends["volume"] = [v or 0 for v in trends["volume"]]
    labels = [(filters.start + i * bucket).date().isoformat() for i in range(slots)]
    return Dashboard(
        filters=filters,
        current=current,
        previous=previous,
        trend_labels=labels,
        trends=trends,
        backlog=metrics.backlog_by_age(scope),
        csat_distribution=metrics.csat_distribution(scope),
        searches=metrics.searches_without_result(scope),
    )


def change(key: str, current: float | None, previous: float | None) -> tuple[float | None, str]:
    """(difference, "better" | "worse" | "same" | "") between this period and the one before."""
    if current is None or previous is None:
        return None, ""
    diff = current - previous
    if key == "volume":  # more requests is neither better nor worse service
        return diff, ""
    if abs(diff) < 1e-9:
        return 0.0, "same"
    improved = diff < 0 if key in LOWER_IS_BETTER else diff > 0
    return diff, "better" if improved else "worse"

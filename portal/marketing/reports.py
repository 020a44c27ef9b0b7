"""Link reports per offer and per article over a period."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.errors import FieldError
from knowledge_base.models import Article
from linker.reasons import reason_key
from portal.models import LinkEvent, LinkSuggestion, Offer, SuggestionState

#: Reports cover days in this range; anything else is a form error (no overflow, no DB error).
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)
DEFAULT_DAYS = 30
#: A cell starting with one of these is a formula to spreadsheets (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_HEADER = (
    "kind",
    "name",
    "suggestions",
    "approved",
    "rejected",
    "blocked",
    "impressions",
    "clicks",
    "ctr",
    "blocked_by_reason",
)


@dataclass
class ReportRow:
    name: str
    suggestions: int = 0
    approved: int = 0
    rejected: int = 0
    blocked: int = 0
    impressions: int = 0
    clicks: int = 0
    blocked_by_reason: Counter = field(default_factory=Counter)

    @property
    def ctr(self) -> float:
        return self.clicks / self.impressions if self.impressions else 0.0


def _rows(session: Session, start: datetime, end: datetime, key) -> list[ReportRow]:
    rows: dict[str, ReportRow] = defaultdict(lambda: ReportRow(""))
    for suggestion in session.scalars(select(LinkSuggestion).where(LinkSuggestion.created_at < end)):
        row = rows[key(suggestion.offer, suggestion.article)]
        row.suggestions += 1
        row.approved += suggestion.state == SuggestionState.APPROVED
        row.rejected += suggestion.state == SuggestionState.REJECTED
        if suggestion.state == SuggestionState.BLOCKED:
            row.blocked += 1
            for reason in suggestion.reasons or []:
                row.blocked_by_reason[reason_key(reason)] += 1
    events = session.execute(
        select(LinkEvent.kind, Offer, Article)
        .join(Offer, LinkEvent.offer_id == Offer.id)
        .join(Article, LinkEvent.article_id == Article.id)
        .where(LinkEvent.created_at >= start, LinkEvent.created_at < end)
    )
    for kind, offer, article in events:
        row = rows[key(offer, article)]
        if kind == "click":
            row.clicks += 1
        else:
            row.impressions += 1
    for name, row in rows.items():
        row.name = name
    return sorted(rows.values(), key=lambda r: (-r.clicks, -r.impressions, r.name))


def by_offer(session: Session, start: datetime, end: datetime) -> list[ReportRow]:
    return _rows(session, start, end, lambda offer, article: offer.code)


def by_article(session: Session, start: datetime, end: datetime) -> list[ReportRow]:
    return _rows(session, start, end, lambda offer, article: f"{article.locale}:{article.slug}")


def _day(text: str, field_name: str) -> date | None:
    """An ISO date inside FIRST_DAY..LAST_DAY, None when empty; FieldError otherwise."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text[:10]) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise FieldError(_l("Enter a date as YYYY-MM-DD."), field_name)
    if not FIRST_DAY <= day <= LAST_DAY:
        raise FieldError(
            _l("Choose a date between %(a)s and %(b)s.", a=FIRST_DAY.isoformat(), b=LAST_DAY.isoformat()),
            field_name,
        )
    return day


def parse_period(start_text: str, end_text: str, today: date) -> tuple[datetime, datetime]:
    """The report period from the form's `from` and `to` (inclusive days; defaults: the last 30 days).

    Returns aware datetimes [start, end) in the server's time zone; FieldError for a bad date
    (field "start" or "end", the form's names for `from` and `to`) or an end before the start.
    """
    start = _day(start_text, "start")
    end = _day(end_text, "end")
    end = end or min(max(today, start or today), LAST_DAY)
    start = start or max(end - timedelta(days=DEFAULT_DAYS), FIRST_DAY)
    if end < start:
        raise FieldError(_l("The end date must not be before the start date."), "end")
    return (
        datetime.combine(start, datetime.min.time()).astimezone(),
        datetime.combine(end + timedelta(days=1), datetime.min.time()).astimezone(),
    )


def csv_cell(value: Any) -> Any:
    """`value` safe for a spreadsheet: text that would start a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_export(by_offer: list[ReportRow], by_article: list[ReportRow]) -> str:
    """The report as CSV, every text cell escaped with `csv_cell`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for kind, rows in (("offer", by_offer), ("article", by_article)):
        for row in rows:
            cells = [
                kind,
                row.name,
                row.suggestions,
                row.approved,
                row.rejected,
                row.blocked,
                row.impressions,
                row.clicks,
                f"{row.ctr:.4f}",
                "; ".join(f"{csv_cell(k)}={v}" for k, v in row.blocked_by_reason.items()),
            ]
            writer.writerow([csv_cell(cell) for cell in cells])
    return out.getvalue()

"""Link reports per offer and per article over a period."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.models import Article
from portal.models import LinkEvent, LinkSuggestion, Offer, SuggestionState


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
                row.blocked_by_reason[reason.split(" (")[0]] += 1
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

"""What the service dashboard needs beyond requests: the log of knowledge-base searches."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from knowledge_base.db import Base, utcnow
from portal.models.requests import RequestEvent

#: Searches are logged lower-cased and cut to this many characters.
SEARCH_LOG_MAX = 120


class SearchLog(Base):
    """One knowledge-base search a reader ran: the normalised text, the language and how many hits."""

    __tablename__ = "search_logs"
    __table_args__ = (Index("ix_search_logs_created_at_results", "created_at", "results"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(SEARCH_LOG_MAX))
    locale: Mapped[str] = mapped_column(String(8))
    results: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# The dashboard's reopen count finds the few "resolved -> open" status events of a period among
# millions of events; with request_id in the index it never reads the table.
Index(
    "ix_request_events_reopens",
    RequestEvent.kind,
    RequestEvent.from_value,
    RequestEvent.to_value,
    RequestEvent.created_at,
    RequestEvent.request_id,
)

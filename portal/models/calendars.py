"""Business-hours calendars that SLA policies count their minutes on."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, Date, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from knowledge_base.db import Base, utcnow
from portal.requests.business_time import Schedule


class Calendar(Base):
    """Working hours per weekday and public holidays in one time zone."""

    __tablename__ = "calendars"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    #: {"0": [[540, 1020]], ...}: weekday (0 = Monday) to [start, end] minutes of the local day.
    hours: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    holidays: Mapped[list[Holiday]] = relationship(
        back_populates="calendar", order_by="Holiday.day", cascade="all, delete-orphan"
    )

    def schedule(self) -> Schedule:
        """The calendar as the pure `Schedule` the business-time functions use."""
        hours = {
            int(day): tuple((int(a), int(b)) for a, b in spans) for day, spans in (self.hours or {}).items()
        }
        return Schedule(ZoneInfo(self.time_zone), hours, frozenset(h.day for h in self.holidays))


class Holiday(Base):
    """A public holiday: no working time on that local date."""

    __tablename__ = "calendar_holidays"
    __table_args__ = (UniqueConstraint("calendar_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(80), default="")

    calendar: Mapped[Calendar] = relationship(back_populates="holidays")

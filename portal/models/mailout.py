"""Per-agent mail preferences, watched categories and the portal's request settings."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from knowledge_base.db import Base


class AgentMailPreference(Base):
    """What an agent wants to be mailed about (no row: the defaults below)."""

    __tablename__ = "agent_mail_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    #: New requests in every category (else only in the watched ones).
    all_new_requests: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Customer replies on requests assigned to this agent.
    replies_on_assigned: Mapped[bool] = mapped_column(Boolean, default=True)


class CategoryWatch(Base):
    """An agent watches a category's queue: they are mailed of each new request in it."""

    __tablename__ = "category_watches"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True
    )


class PortalSetting(Base):
    """A setting admins change at run time (key and a text value)."""

    __tablename__ = "portal_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)

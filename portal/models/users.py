"""Users and roles."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import Boolean, DateTime, Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from knowledge_base.db import Base, TimestampMixin


class Role(enum.StrEnum):
    """What a person may do; staff roles include the ones before them."""

    CUSTOMER = "customer"
    AGENT = "agent"
    MARKETER = "marketer"
    ADMIN = "admin"


STAFF_ROLES = frozenset({Role.AGENT, Role.MARKETER, Role.ADMIN})


def new_security_stamp() -> str:
    """Return a fresh random stamp; changing it ends every session of the user."""
    return secrets.token_hex(8)


class User(TimestampMixin, Base):
    """A person with an account: customer or staff."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=Role.CUSTOMER,
    )
    locale: Mapped[str | None] = mapped_column(String(8), default=None)
    #: IANA time zone for shown times (None: the configured default).
    timezone: Mapped[str | None] = mapped_column(String(64), default=None)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    kb_editor: Mapped[bool] = mapped_column(Boolean, default=False)
    marketing_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    notify_by_email: Mapped[bool] = mapped_column(Boolean, default=True)
    segment: Mapped[str] = mapped_column(String(40), default="standard")
    security_stamp: Mapped[str] = mapped_column(String(32), default=new_security_stamp)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    #: When the person proved they read this mailbox (None: registered, link not opened yet).
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    # flask-login protocol -------------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """Session id: user id plus the security stamp, so a new stamp logs out everywhere."""
        return f"{self.id}:{self.security_stamp}"

    # roles ------------------------------------------------------------------
    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def has_role(self, *roles: Role) -> bool:
        """True if the user has one of `roles`; admins have every role."""
        return self.role == Role.ADMIN or self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"

"""Which priorities customers may choose: an admin setting (default PORTAL_CUSTOMER_PRIORITIES)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from knowledge_base.errors import FieldError
from portal import audit
from portal.models import PortalSetting, Priority, User

SETTING_KEY = "customer_priorities"


def _parse(raw: str) -> list[Priority]:
    values = {v.strip() for v in raw.split(",")}
    return [p for p in Priority if p.value in values]


def customer_priorities(session: Session, config: Mapping[str, Any]) -> list[Priority]:
    """The priorities a customer may pick, least urgent first (never empty)."""
    row = session.get(PortalSetting, SETTING_KEY)
    chosen = _parse(row.value if row is not None else config["CUSTOMER_PRIORITIES"])
    return chosen or [Priority.NORMAL]


def set_customer_priorities(session: Session, actor: User, values: list[str]) -> list[Priority]:
    """Store the admin's choice (at least one priority) and audit it; the caller commits."""
    chosen = _parse(",".join(values))
    if not chosen:
        raise FieldError(_l("Allow customers at least one priority."), field="priorities")
    row = session.get(PortalSetting, SETTING_KEY) or PortalSetting(key=SETTING_KEY, value="")
    old = row.value
    row.value = ",".join(p.value for p in chosen)
    session.add(row)
    audit.record(session, "settings.customer_priorities", actor=actor, old=old, new=row.value)
    return chosen

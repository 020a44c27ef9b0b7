"""Segments defined by rules (class, language, owned product kinds, consent, activity).

A segment's members are never stored: `members_query` turns the rules into one SQL query, so
membership is always current (a class recomputed, a product registered, consent withdrawn).
Offers keep targeting segments by name (Offer.segments); a customer belongs to the segments whose
rules they match, plus the legacy `User.segment` name.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session

from knowledge_base.errors import FieldError
from knowledge_base.locales import DEFAULT_LOCALE, LOCALES
from portal.models import (
    CustomerClass,
    CustomerProduct,
    CustomerValue,
    Product,
    Role,
    Segment,
    ServiceRequest,
    User,
)

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
KIND_MAX = Product.__table__.c.kind.type.length
MAX_KINDS = 20
ACTIVE_DAYS_MAX = 3650
#: At most this many segments: every page view of a customer evaluates them all.
MAX_SEGMENTS = 100


def check_name(raw: str) -> str:
    """A segment name: lower-case letters, digits, - and _, up to 40 characters."""
    name = raw.strip().lower()
    if not NAME_RE.match(name):
        raise FieldError(
            _l("Use 1 to 40 lower-case letters, digits, hyphens or underscores."),
            "name",
        )
    return name


def check_rules(
    classes: list[str], languages: list[str], product_kinds: str, consent: str, active_days: int | None
) -> dict[str, Any]:
    """Validated rules as stored in Segment.rules (empty lists and None mean "any")."""
    if any(c not in {k.value for k in CustomerClass} for c in classes):
        raise FieldError(_l("Choose classes from the list."), "classes")
    if any(lang not in LOCALES for lang in languages):
        raise FieldError(_l("Choose languages from the list."), "languages")
    kinds = sorted({k.strip() for k in product_kinds.split(",") if k.strip()})
    if len(kinds) > MAX_KINDS or any(len(k) > KIND_MAX for k in kinds):
        raise FieldError(
            _l("Give at most %(n)d product kinds of at most %(m)d characters.", n=MAX_KINDS, m=KIND_MAX),
            "product_kinds",
        )
    if consent not in ("", "yes", "no"):
        raise FieldError(_l("Choose from the list."), "consent")
    if active_days is not None and not 1 <= active_days <= ACTIVE_DAYS_MAX:
        raise FieldError(_l("Give a number of days from 1 to %(n)d.", n=ACTIVE_DAYS_MAX), "active_days")
    return {
        "classes": sorted(set(classes)),
        "languages": sorted(set(languages)),
        "product_kinds": kinds,
        "consent": None if consent == "" else consent == "yes",
        "active_days": active_days,
    }


def members_query(rules: dict[str, Any], now: datetime) -> Select:
    """The ids of the customers matching `rules` (every rule given must hold)."""
    query = select(User.id).where(User.role == Role.CUSTOMER, User.is_active.is_(True))
    if rules.get("classes"):
        query = query.where(
            User.id.in_(
                select(CustomerValue.user_id).where(CustomerValue.customer_class.in_(rules["classes"]))
            )
        )
    if rules.get("languages"):
        query = query.where(func.coalesce(User.locale, DEFAULT_LOCALE).in_(rules["languages"]))
    if rules.get("product_kinds"):
        query = query.where(
            exists(
                select(CustomerProduct.id)
                .join(Product, Product.id == CustomerProduct.product_id)
                .where(CustomerProduct.user_id == User.id, Product.kind.in_(rules["product_kinds"]))
            )
        )
    if rules.get("consent") is not None:
        query = query.where(User.marketing_consent.is_(bool(rules["consent"])))
    if rules.get("active_days"):
        since = now - timedelta(days=int(rules["active_days"]))
        query = query.where(
            or_(
                User.last_login_at >= since,
                exists(
                    select(ServiceRequest.id).where(
                        ServiceRequest.customer_id == User.id, ServiceRequest.created_at >= since
                    )
                ),
            )
        )
    return query


def matches(session: Session, segment: Segment, user: User, now: datetime) -> bool:
    """True if `user` is a member of `segment` now."""
    return (
        session.scalar(select(exists(members_query(segment.rules or {}, now).where(User.id == user.id))))
        or False
    )


def names_for(session: Session, user: User, now: datetime) -> set[str]:
    """Every segment name the user belongs to, the legacy `User.segment` included."""
    names = {user.segment} if user.segment else set()
    for segment in session.scalars(select(Segment).order_by(Segment.name)):
        if matches(session, segment, user, now):
            names.add(segment.name)
    return names


def member_count(session: Session, segment: Segment, now: datetime) -> int:
    """How many customers the segment has now."""
    return (
        session.scalar(select(func.count()).select_from(members_query(segment.rules or {}, now).subquery()))
        or 0
    )


def save(
    session: Session, segment: Segment | None, name: str, description: str, rules: dict[str, Any]
) -> Segment:
    """Create or update a segment (unique name, at most MAX_SEGMENTS); never commits."""
    name = check_name(name)
    if len(description) > 300:
        raise FieldError(_l("Keep the description under %(n)d characters.", n=300), "description")
    clash = session.scalar(select(Segment).where(Segment.name == name))
    if clash is not None and clash is not segment:
        raise FieldError(_l("A segment with this name already exists."), "name")
    if segment is None:
        if (session.scalar(select(func.count()).select_from(Segment)) or 0) >= MAX_SEGMENTS:
            raise FieldError(_l("There are already %(n)d segments.", n=MAX_SEGMENTS), "name")
        segment = Segment(name=name)
        session.add(segment)
    segment.name, segment.description, segment.rules = name, description.strip(), rules
    session.flush()
    return segment

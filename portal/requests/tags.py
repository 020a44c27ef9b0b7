"""Tags on requests: short labels agents add and remove; every change is in the request's history."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
from knowledge_base.errors import FieldError
from portal.models import ServiceRequest, Tag, User
from portal.requests.services import record_event

#: The name column's length: the one place the limit is set.
TAG_MAX: int = Tag.__table__.c.name.type.length
_SPACES = re.compile(r"\s+")


def clean_tag(name: str) -> str:
    """A tag name as stored: trimmed, single-spaced, lower case; FieldError when empty or too long."""
    cleaned = _SPACES.sub(" ", name).strip().lower()
    if not cleaned:
        raise FieldError(_l("Write the tag's name."), field="tag")
    if len(cleaned) > TAG_MAX or "," in cleaned or not cleaned.isprintable():
        raise FieldError(_l("A tag has at most %(n)d characters and no commas.", n=TAG_MAX), field="tag")
    return cleaned


def split_tags(text: str) -> list[str]:
    """Comma-separated tag names, cleaned, without duplicates."""
    return list(dict.fromkeys(clean_tag(part) for part in text.split(",") if part.strip()))


def tag_named(session: Session, name: str, *, create: bool = True) -> Tag | None:
    """The tag called `name` (cleaned), made if missing and `create`."""
    cleaned = clean_tag(name)
    tag = session.scalar(select(Tag).where(Tag.name == cleaned))
    if tag is None and create:
        tag = Tag(name=cleaned)
        session.add(tag)
        session.flush()
    return tag


def add_tag(session: Session, actor: User, request: ServiceRequest, name: str) -> bool:
    """Put the tag `name` on `request`; False if it already carries it."""
    tag = tag_named(session, name)
    if tag in request.tags:
        return False
    request.tags.append(tag)
    record_event(request, actor, "tag", None, tag.name)
    request.updated_at = utcnow()
    return True


def remove_tag(session: Session, actor: User, request: ServiceRequest, tag: Tag) -> bool:
    """Take `tag` off `request`; False if it did not carry it."""
    if tag not in request.tags:
        return False
    request.tags.remove(tag)
    record_event(request, actor, "untag", tag.name, None)
    request.updated_at = utcnow()
    return True


def all_tags(session: Session) -> list[Tag]:
    """Every tag, by name (for the queue filter and suggestions)."""
    return list(session.scalars(select(Tag).order_by(Tag.name)))

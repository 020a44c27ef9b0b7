"""Create and change categories (admins): slug rules, uniqueness, the two-level tree, the audit log.

The one place these rules live; the API calls it (and any admin form should). The caller commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.errors import FieldError
from knowledge_base.models import Category
from portal import audit
from portal.models import User
from portal.requests.errors import ConflictError

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_MAX = 80
NAME_MAX = 120
_UNSET = object()


class SlugTaken(ConflictError):
    """Another category has this slug (409, blamed on `slug`)."""

    def __init__(self, message: object) -> None:
        FieldError.__init__(self, message, "slug")
        self.changes = []


@dataclass(frozen=True)
class CategoryChange:
    """Fields to set; None leaves a field alone (`parent_slug=""` makes a top-level category)."""

    slug: str | None = None
    name: str | None = None
    parent_slug: str | None = None


def _clean_slug(session: Session, slug: str, own: Category | None) -> str:
    slug = slug.strip()
    if len(slug) > SLUG_MAX or not SLUG_RE.fullmatch(slug):
        raise FieldError("A slug is lower-case letters, digits and single hyphens (at most 80).", "slug")
    other = session.scalar(select(Category).where(Category.slug == slug))
    if other is not None and other is not own:
        raise SlugTaken("Another category has this slug.")
    return slug


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise FieldError("A name is 1 to 120 characters.", "name")
    return name


def _parent(session: Session, parent_slug: str, own: Category | None) -> Category | None:
    """The parent named by slug: categories are two levels, so it must be top-level and `own` childless."""
    if not parent_slug:
        return None
    parent = session.scalar(select(Category).where(Category.slug == parent_slug))
    if parent is None:
        raise FieldError("No category has this slug.", "parent")
    if own is not None and parent.id == own.id:
        raise FieldError("A category cannot be its own parent.", "parent")
    if parent.parent_id is not None:
        raise FieldError("Categories have two levels: the parent must be a top-level category.", "parent")
    has_children = (
        own is not None
        and own.id is not None
        and session.scalar(select(Category.id).where(Category.parent_id == own.id).limit(1))
    )
    if has_children:
        raise FieldError("A category with subcategories cannot become a subcategory.", "parent")
    return parent


def create_category(session: Session, actor: User, change: CategoryChange) -> Category:
    """A new category (FieldError on bad input, SlugTaken when the slug is used); audit-logged."""
    slug = _clean_slug(session, change.slug or "", None)
    name = _clean_name(change.name or "")
    category = Category(slug=slug, name=name, parent=_parent(session, change.parent_slug or "", None))
    session.add(category)
    session.flush()
    audit.record(
        session, "category.created", actor=actor, target=slug, name=name, parent=change.parent_slug or None
    )
    return category


def _state(category: Category) -> dict[str, str | None]:
    return {
        "slug": category.slug,
        "name": category.name,
        "parent": category.parent.slug if category.parent else None,
    }


def update_category(session: Session, actor: User, category: Category, change: CategoryChange) -> Category:
    """Change a category's slug, name or parent with the creation rules; audit-logged with the changes."""
    before = {
        "slug": category.slug,
        "name": category.name,
        "parent": category.parent.slug if category.parent else None,
    }
    if change.slug is not None:
        category.slug = _clean_slug(session, change.slug, category)
    if change.name is not None:
        category.name = _clean_name(change.name)
    if change.parent_slug is not None:
        category.parent = _parent(session, change.parent_slug, category)
    after = {
        "slug": category.slug,
        "name": category.name,
        "parent": category.parent.slug if category.parent else None,
    }
    changed = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    session.flush()
    if changed:
        audit.record(session, "category.updated", actor=actor, target=category.slug, changes=changed)
    return category

"""Saved queue views: a name for a set of queue filters, personal or shared with every agent."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from knowledge_base.errors import FieldError
from portal.models import SavedView, User

#: The query-string keys a view may keep: the queue's filters and nothing else.
FILTER_KEYS = ("status", "priority", "category", "product", "assignee", "tag", "overdue", "sort")
NAME_MAX: int = SavedView.__table__.c.name.type.length
QUERY_MAX: int = SavedView.__table__.c.query.type.length


def clean_query(raw: str) -> str:
    """The query string with only known filter keys, in a fixed order."""
    pairs = dict(parse_qsl(raw.lstrip("?"), keep_blank_values=False))
    return urlencode([(key, pairs[key]) for key in FILTER_KEYS if pairs.get(key)])


#: A user's own views and every shared one (the owner bound as "owner"), built once.
VISIBLE_VIEWS = (
    select(SavedView)
    .where(or_(SavedView.owner_id == bindparam("owner"), SavedView.shared.is_(True)))
    .order_by(SavedView.shared, SavedView.name, SavedView.id)
)


def visible_views(session: Session, user: User) -> list[SavedView]:
    """The user's own views and every shared one, shared last, by name."""
    return list(session.scalars(VISIBLE_VIEWS, {"owner": user.id}))


def save_view(session: Session, owner: User, name: str, raw_query: str, shared: bool) -> SavedView:
    """Save (or overwrite the owner's view of the same name) the filters in `raw_query`."""
    name = " ".join(name.split())
    if not name:
        raise FieldError(_l("Give the view a name."), field="name")
    if len(name) > NAME_MAX:
        raise FieldError(_l("Use at most %(n)d characters.", n=NAME_MAX), field="name")
    query = clean_query(raw_query)
    if len(query) > QUERY_MAX:
        raise FieldError(_l("Use at most %(n)d characters.", n=QUERY_MAX), field="name")
    view = session.scalar(select(SavedView).where(SavedView.owner_id == owner.id, SavedView.name == name))
    if view is None:
        view = SavedView(owner_id=owner.id, name=name)
        session.add(view)
    view.query, view.shared = query, shared
    session.flush()
    return view

"""The staff queue's controls (status counts, filter form, save-view fields, bulk-change bar),
rendered once per set of shown values (portal/requests/list_rows.py memoises them).

Their data is read fresh on every page view, in light statements (columns, not ORM objects);
only the rendering is skipped when nothing they show changed. None of them holds a CSRF token
or anything else of the reader's session: the queue page writes those around them.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.cache_events import KB, REQUESTS, STAFF
from portal.models import Category, Tag
from portal.requests import forms, list_rows, services
from portal.requests.queue import QueueFilters, cached_json
from portal.requests.workflow import PRIORITY_LABELS, STAFF_STATUS_LABELS


@dataclass(frozen=True)
class QueueControls:
    """The rendered controls of one queue page."""

    head: Markup
    thead: Markup
    counts: Markup
    filters: Markup
    save_view: Markup
    bulk: Markup


CATEGORIES = select(Category.slug, Category.name, Category.names).order_by(Category.name)
TAG_NAMES = select(Tag.name).order_by(Tag.name)


def category_choices(session: Session, locale: str) -> tuple[tuple[str, str], ...]:
    """Every category as (slug, name in `locale`), by default name."""
    rows = cached_json("categories", (KB,), lambda: [list(row) for row in session.execute(CATEGORIES)])
    return tuple((slug, (names or {}).get(locale) or name) for slug, name, names in rows)


def tag_names(session: Session) -> tuple[str, ...]:
    """Every tag's name, sorted."""
    return tuple(cached_json("tags", (REQUESTS,), lambda: list(session.scalars(TAG_NAMES))))


def agent_choices(session: Session) -> tuple[tuple[int, str], ...]:
    """The people a request can be assigned to, as (id, name)."""
    agents = cached_json(
        "agents", (STAFF,), lambda: [[a.id, a.name] for a in services.assignable_agents(session)]
    )
    return tuple((key, name) for key, name in agents)


def queue_controls(
    session: Session, filters: QueueFilters, counts: dict[str, int], query: str
) -> QueueControls:
    """The controls for `filters` (and the saved-view query `query`), with `counts` per status."""
    names = tag_names(session)
    agents = agent_choices(session)
    shown = tuple(sorted(filters.as_args().items()))
    counts_shown = tuple(counts.items())
    return QueueControls(
        head=list_rows.render_fragment("staff_requests/_queue_head.html"),
        thead=list_rows.render_fragment("staff_requests/_queue_thead.html"),
        counts=list_rows.render_fragment("staff_requests/_queue_counts.html", counts=counts_shown),
        filters=list_rows.render_fragment(
            "staff_requests/_queue_filters.html",
            statuses=tuple(counts),
            filters=shown,
            categories=category_choices(session, str(get_locale() or "en")),
            tag_names=names,
        ),
        save_view=list_rows.render_once(("queue-save-view", query), lambda: _save_view_fields(query)),
        bulk=list_rows.render_fragment(
            "staff_requests/_queue_bulk.html",
            {"statuses": STAFF_STATUS_LABELS, "priorities": PRIORITY_LABELS},
            agents=agents,
            tag_names=names,
        ),
    )


SAVE_VIEW_FIELDS = Markup(
    '{}\n  <span class="filter"><label for="name">{}</label>{}</span>\n'
    '  <label class="check filter">{} {}</label>'
)


def _save_view_fields(query: str) -> Markup:
    """The save-view form's fields (its CSRF token is written by the page, outside the memo)."""
    form = forms.SavedViewForm(formdata=None, data={"query": query}, meta={"csrf": False})
    return SAVE_VIEW_FIELDS.format(
        form.query(), _("Save these filters as"), form.name(size=16), form.shared(), form.shared.label.text
    )

"""Template globals: navigation by role, the header's parts, language names."""

from __future__ import annotations

from flask import Flask, current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from knowledge_base.models import ArticleStatus
from portal import chrome, labels
from portal.auth.forms import LANGUAGE_NAMES
from portal.models import Role
from portal.requests.workflow import CHANNEL_LABELS, PRIORITY_LABELS, STAFF_STATUS_LABELS, STATUS_LABELS

NAVIGATION = [
    # (endpoint, label, roles that see it; None = everyone)
    ("main.home", _l("Home"), None),
    ("workspace.home", _l("Workspace"), (Role.AGENT, Role.MARKETER)),
    ("requests.index", _l("My requests"), (Role.CUSTOMER,)),
    ("account_products.index", _l("My products"), (Role.CUSTOMER,)),
    ("staff_requests.index", _l("Queue"), (Role.AGENT,)),
    ("insights.index", _l("Insights"), (Role.AGENT,)),
    ("customers.index", _l("Customers"), (Role.AGENT,)),
    ("kb.index", _l("Help articles"), None),
    ("staff_kb.index", _l("Articles"), (Role.AGENT,)),
    ("marketing.suggestions", _l("Link review"), (Role.MARKETER,)),
    ("marketing.offer_list", _l("Offers"), (Role.MARKETER,)),
    ("marketing.report", _l("Reports"), (Role.MARKETER,)),
    ("marketing.blocklist", _l("Blocklist"), (Role.MARKETER,)),
    ("segments.index", _l("Segments"), (Role.MARKETER,)),
    ("admin.users", _l("Users"), (Role.ADMIN,)),
    ("admin.catalog", _l("Catalogue"), (Role.ADMIN,)),
    ("admin.sla", _l("SLA"), (Role.ADMIN,)),
    ("admin.customer_priorities", _l("Priorities"), (Role.ADMIN,)),
    ("admin.audit_log", _l("Audit log"), (Role.ADMIN,)),
    ("admin.outbox_page", _l("Outgoing mail"), (Role.ADMIN,)),
    ("admin.mailboxes", _l("Mailboxes"), (Role.ADMIN,)),
    ("webhooks_admin.index", _l("Webhooks"), (Role.ADMIN,)),
    ("admin.sla", _l("SLA"), (Role.ADMIN,)),
]


def navigation() -> list[tuple[str, object]]:
    """The navigation entries the current user may see (customer pages for customers only)."""
    user = current_user._get_current_object()
    role = user.role if user.is_authenticated else None
    views = current_app.view_functions
    entries = []
    for endpoint, label, roles in NAVIGATION:
        if endpoint not in views:
            continue
        if roles is None:
            entries.append((endpoint, label))
        elif role is None:
            continue
        elif roles == (Role.CUSTOMER,):
            if role == Role.CUSTOMER:
                entries.append((endpoint, label))
        elif user.has_role(*roles):
            entries.append((endpoint, label))
    return entries


def status_label(status: object, audience: str = "") -> object:
    """The status as the reader sees it: "waiting on you" for customers, "on customer" for staff.

    `audience="customer"` forces the customer's wording (mail to a customer sent by an agent's click).
    """
    user = current_user._get_current_object() if audience != "customer" else None
    staff = user is not None and user.is_authenticated and user.role != Role.CUSTOMER
    return translated_label("staff_status" if staff else "status", status)


def status_table() -> str:
    """The status wording the reader sees: "staff_status" for staff, "status" for everyone else."""
    user = current_user._get_current_object()
    staff = user is not None and user.is_authenticated and user.role != Role.CUSTOMER
    return "staff_status" if staff else "status"


def status_badges() -> dict[str, object]:
    """Every status's badge (`<span class="badge ...">label</span>`) as the reader sees it, by status
    value: a list page shows one per row, and the `status_badge` macro cost a call each."""
    from markupsafe import Markup

    from portal.models import RequestStatus

    table = status_table()

    def build() -> dict[str, object]:
        badge = Markup('<span class="badge badge--{}">{}</span>')
        return {s.value: badge.format(s.value, translated_label(table, s)) for s in RequestStatus}

    return chrome.memo().get_or_build(("badges", table, str(get_locale() or "en")), build)


#: The label tables templates show, by name (values are lazy strings).
LABELS = {
    "status": STATUS_LABELS,
    "staff_status": STAFF_STATUS_LABELS,
    "priority": PRIORITY_LABELS,
    "channel": CHANNEL_LABELS,
    "delivery": labels.DELIVERY_LABELS,
}


def translated_label(table: str, key: object) -> object:
    """`LABELS[table][key]` in the current language (`key` itself if it has no label).

    A queue page shows a hundred labels; each table is translated once per language and app
    instead of once per label shown.
    """
    locale = str(get_locale() or "en")
    labels = LABELS[table]
    texts = chrome.memo().get_or_build(
        ("labels", table, locale), lambda: {k: str(v) for k, v in labels.items()}
    )
    return texts.get(key, key)  # type: ignore[call-overload]


def init_app(app: Flask) -> None:
    """Expose helpers to every template."""

    @app.context_processor
    def _globals():
        # Cheap values only: this runs for every template rendered, fragments included.
        return {
            "current_locale": str(get_locale() or "en"),
            "language_names": LANGUAGE_NAMES,
            "current_path": chrome.current_path(),
        }

    # the header's parts, called only by the templates that show them (see portal/chrome.py)
    app.jinja_env.globals["site_header"] = lambda: chrome.site_header(
        current_user._get_current_object(), navigation(), str(get_locale() or "en")
    )
    app.jinja_env.globals["static_url"] = chrome.static_url
    app.jinja_env.globals["csrf_field"] = chrome.csrf_field
    app.jinja_env.globals["csrf_value"] = chrome.csrf_value

    # globals, so that imported macros see them too
    app.jinja_env.globals["status_label"] = status_label
    app.jinja_env.globals["status_badges"] = status_badges
    app.jinja_env.globals["priority_label"] = lambda priority: translated_label("priority", priority)
    app.jinja_env.globals["channel_label"] = lambda channel: translated_label("channel", channel)
    app.jinja_env.globals["delivery_label"] = lambda status: translated_label("delivery", status)
    app.jinja_env.globals["label"] = labels.label
    app.jinja_env.filters["localized"] = labels.localized
    app.jinja_env.globals["article_statuses"] = tuple(ArticleStatus)

"""Template globals: navigation by role, forms for the header, language names."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from knowledge_base.models import ArticleStatus
from portal import labels
from portal.auth.forms import LANGUAGE_NAMES, EmptyForm, LanguageForm
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
    entries = []
    for endpoint, label, roles in NAVIGATION:
        if endpoint not in current_app.view_functions:
            continue
        if roles is None:
            entries.append((endpoint, label))
        elif current_user.is_authenticated:
            if roles == (Role.CUSTOMER,):
                if current_user.role == Role.CUSTOMER:
                    entries.append((endpoint, label))
            elif current_user.has_role(*roles):
                entries.append((endpoint, label))
    return entries


def status_label(status: object, audience: str = "") -> object:
    """The status as the reader sees it: "waiting on you" for customers, "on customer" for staff.

    `audience="customer"` forces the customer's wording (mail to a customer sent by an agent's click).
    """
    staff = audience != "customer" and current_user.is_authenticated and current_user.role != Role.CUSTOMER
    labels = STAFF_STATUS_LABELS if staff else STATUS_LABELS
    return labels.get(status, status)  # type: ignore[call-overload]


def init_app(app: Flask) -> None:
    """Expose helpers to every template."""

    @app.context_processor
    def _globals():
        locale = str(get_locale() or "en")
        return {
            "navigation": navigation(),
            "current_locale": locale,
            "language_names": LANGUAGE_NAMES,
            "language_form": LanguageForm(formdata=None, data={"locale": locale}),
            "logout_form": EmptyForm(formdata=None),
            "current_path": request.full_path.rstrip("?") if request else "/",
        }

    # globals, so that imported macros see them too
    app.jinja_env.globals["status_label"] = status_label
    app.jinja_env.globals["priority_label"] = lambda priority: PRIORITY_LABELS.get(priority, priority)
    app.jinja_env.globals["channel_label"] = lambda channel: CHANNEL_LABELS.get(channel, channel)
    app.jinja_env.globals["label"] = labels.label
    app.jinja_env.filters["localized"] = labels.localized
    app.jinja_env.globals["article_statuses"] = tuple(ArticleStatus)

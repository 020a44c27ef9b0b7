"""Template globals: navigation by role, forms for the header, language names."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.forms import LANGUAGE_NAMES, EmptyForm, LanguageForm
from portal.models import Role
from portal.requests.workflow import PRIORITY_LABELS, STATUS_LABELS

NAVIGATION = [
    # (endpoint, label, roles that see it; None = everyone)
    ("main.home", _l("Home"), None),
    ("requests.index", _l("My requests"), (Role.CUSTOMER,)),
    ("account_products.index", _l("My products"), (Role.CUSTOMER,)),
    ("staff_requests.index", _l("Queue"), (Role.AGENT,)),
    ("customers.index", _l("Customers"), (Role.AGENT,)),
    ("kb.index", _l("Help articles"), None),
    ("staff_kb.index", _l("Articles"), (Role.AGENT,)),
    ("marketing.suggestions", _l("Link review"), (Role.MARKETER,)),
    ("marketing.offer_list", _l("Offers"), (Role.MARKETER,)),
    ("marketing.report", _l("Reports"), (Role.MARKETER,)),
    ("segments.index", _l("Segments"), (Role.MARKETER,)),
    ("admin.users", _l("Users"), (Role.ADMIN,)),
    ("admin.audit_log", _l("Audit log"), (Role.ADMIN,)),
]


def navigation() -> list[tuple[str, object]]:
    """The navigation entries the current user may see (customer pages for customers only)."""
    entries = []
    for endpoint, label, roles in NAVIGATION:
        if roles is None:
            entries.append((endpoint, label))
        elif current_user.is_authenticated:
            if roles == (Role.CUSTOMER,):
                if current_user.role == Role.CUSTOMER:
                    entries.append((endpoint, label))
            elif current_user.has_role(*roles):
                entries.append((endpoint, label))
    return entries


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
    app.jinja_env.globals["status_label"] = lambda status: STATUS_LABELS.get(status, status)
    app.jinja_env.globals["priority_label"] = lambda priority: PRIORITY_LABELS.get(priority, priority)

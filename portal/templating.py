"""Template globals: navigation by role, forms for the header, language names."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.forms import LANGUAGE_NAMES, EmptyForm, LanguageForm
from portal.models import Role

NAVIGATION = [
    # (endpoint, label, roles that see it; None = everyone)
    ("main.home", _l("Home"), None),
    ("staff.requests_queue", _l("Queue"), (Role.AGENT,)),
    ("staff.kb", _l("Articles"), (Role.AGENT,)),
    ("marketing.suggestions", _l("Link review"), (Role.MARKETER,)),
    ("marketing.offers", _l("Offers"), (Role.MARKETER,)),
    ("marketing.reports", _l("Reports"), (Role.MARKETER,)),
    ("admin.users", _l("Users"), (Role.ADMIN,)),
    ("admin.audit_log", _l("Audit log"), (Role.ADMIN,)),
]


def navigation() -> list[tuple[str, object]]:
    """The navigation entries the current user may see."""
    entries = []
    for endpoint, label, roles in NAVIGATION:
        if roles is None or (current_user.is_authenticated and current_user.has_role(*roles)):
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

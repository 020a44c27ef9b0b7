"""The staff home page (/staff/): each role's starting point after login."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from knowledge_base.db import utcnow
from portal import access
from portal.db import get_session
from portal.workspace import overview

bp = Blueprint("workspace", __name__, url_prefix="/staff")

#: The administration pages, in the order the overview and the navigation list them.
ADMIN_PAGES = (
    ("admin.users", _l("Users")),
    ("admin.catalog", _l("Catalogue")),
    ("admin.sla", _l("SLA")),
    ("admin.customer_priorities", _l("Priorities")),
    ("marketing.blocklist", _l("Blocklist")),
    ("admin.mailboxes", _l("Mailboxes")),
    ("admin.outbox_page", _l("Outgoing mail")),
    ("admin.audit_log", _l("Audit log")),
)


def admin_pages() -> list[tuple[str, object]]:
    """The admin pages this installation has (mailboxes come with the mail channel)."""
    return [(endpoint, label) for endpoint, label in ADMIN_PAGES if endpoint in current_app.view_functions]


def is_staff(user) -> bool:
    """True for anyone with a staff area: agents, marketers, administrators."""
    return any(
        access.allows(user, action)
        for action in (access.Action.WORK_QUEUE, access.Action.MARKETING, access.Action.ADMINISTER)
    )


@bp.route("/")
@login_required
def home():
    """Agents: their queue; marketers: the review backlog; administrators: the overview."""
    if not is_staff(current_user):
        abort(403)
    db = get_session()
    context: dict = {}
    if access.allows(current_user, access.Action.WORK_QUEUE):
        context["lists"] = overview.agent_lists(db, current_user)
    if access.allows(current_user, access.Action.MARKETING):
        context["pending_count"], context["pending"] = overview.pending_suggestions(db)
    if access.allows(current_user, access.Action.ADMINISTER):
        context["counts"] = overview.admin_counts(db, utcnow())
        context["admin_pages"] = admin_pages()
    return render_template("workspace/home.html", **context)

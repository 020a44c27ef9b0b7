"""Staff area (agents; admins pass every gate)."""

from flask import Blueprint, render_template
from flask_babel import gettext as _

from portal.auth.access import require_role_for_blueprint
from portal.models import Role

bp = Blueprint("staff", __name__, url_prefix="/staff")
bp.before_request(require_role_for_blueprint(Role.AGENT))


@bp.route("/kb")
def kb():
    return render_template("staff/placeholder.html", title=_("Knowledge base curation"))

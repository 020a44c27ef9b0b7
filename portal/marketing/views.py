"""Marketing area (marketers; admins pass every gate)."""

from flask import Blueprint, render_template
from flask_babel import gettext as _

from portal.auth.access import require_role_for_blueprint
from portal.models import Role

bp = Blueprint("marketing", __name__, url_prefix="/marketing")
bp.before_request(require_role_for_blueprint(Role.MARKETER))


@bp.route("/offers")
def offers():
    return render_template("marketing/placeholder.html", title=_("Offers"))


@bp.route("/suggestions")
def suggestions():
    return render_template("marketing/placeholder.html", title=_("Link suggestions"))


@bp.route("/blocklist")
def blocklist():
    return render_template("marketing/placeholder.html", title=_("Blocklists"))


@bp.route("/reports")
def reports():
    return render_template("marketing/placeholder.html", title=_("Reports"))

"""/staff/insights: the KPI dashboard, its chart data and CSV exports."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from knowledge_base.db import utcnow
from portal import access
from portal.db import get_session
from portal.insights import dashboard, export
from portal.insights.filters import PERIOD_DAYS, UNASSIGNED, InsightFilters
from portal.kb import search_service
from portal.models import Category, Priority, Product, User
from portal.models.requests import CHANNELS
from portal.requests.services import assignable_agents

CHANNEL_LABELS = {
    "web": _l("web form"),
    "email": _l("email"),
    "phone": _l("phone"),
    "counter": _l("at the counter"),
    "api": _l("API"),
}

bp = Blueprint("insights", __name__, url_prefix="/staff/insights")
bp.before_request(access.gate(access.Action.INSIGHTS))


def _board() -> dashboard.Dashboard:
    now = utcnow()
    filters = InsightFilters.from_args(request.args, now)
    search_service.flush_search_logs()  # this worker's unwritten searches count too
    return dashboard.build(get_session(), current_user, filters, now, current_app.config["INSIGHTS_WORK_MEM"])


def _agents() -> list[User]:
    """Agents the filter offers: all for admins, only oneself for an agent (see `team_clause`)."""
    if access.allows(current_user, access.Action.ADMINISTER):
        return assignable_agents(get_session())
    return [current_user]


@bp.route("")
def index():
    board = _board()
    db = get_session()
    return render_template(
        "insights/index.html",
        board=board,
        filters=board.filters,
        args=board.filters.as_args(),
        measures=dashboard.MEASURES,
        change=dashboard.change,
        backlog_labels=dashboard.BACKLOG_LABELS,
        period_days=PERIOD_DAYS,
        categories=db.scalars(select(Category).order_by(Category.name)).all(),
        products=db.scalars(select(Product).order_by(Product.name)).all(),
        priorities=list(Priority),
        agents=_agents(),
        unassigned=UNASSIGNED,
        channels=CHANNELS,
        channel_labels=CHANNEL_LABELS,
        one_day=timedelta(days=1),
        can_see_all=access.allows(current_user, access.Action.ADMINISTER),
        chart={
            "labels": board.trend_labels,
            "series": [
                {"key": key, "label": str(label), "unit": unit, "values": board.trends[key]}
                for key, label, unit in dashboard.MEASURES
                if key in board.trends
            ],
        },
    )


@bp.route("/export.csv")
def export_csv():
    table = request.args.get("table", "")
    if table not in export.TABLES:
        abort(404)
    board = _board()
    return Response(
        export.to_csv(board, table),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=insights-{table}.csv"},
    )

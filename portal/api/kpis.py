"""A small summary of the support figures (the full dashboard lives elsewhere)."""

from __future__ import annotations

from datetime import timedelta

from flask_login import current_user
from sqlalchemy import func, select

from knowledge_base.db import utcnow
from portal import access
from portal.api.auth import scope
from portal.api.blueprint import bp
from portal.api.errors import api_error
from portal.api.schemas import KpiOut
from portal.db import get_session
from portal.models import ServiceRequest
from portal.models.requests import OPEN_STATUSES
from portal.requests.queue import status_counts
from portal.requests.sla import overdue_query


@bp.get("/kpis")
@bp.output(KpiOut)
@bp.doc(tags=["Reports"])
@scope("kpis:read")
def kpis():
    """Requests by status, open, overdue, unassigned, raised in the last 7 days, mean rating."""
    if not access.allows(current_user, access.Action.WORK_QUEUE):
        raise api_error(403, "Only staff read the support figures.")
    db = get_session()
    now = utcnow()
    counts = status_counts(db)
    overdue = db.scalar(select(func.count()).select_from(overdue_query(now).subquery())) or 0
    open_filter = ServiceRequest.status.in_(OPEN_STATUSES)
    unassigned = db.scalar(
        select(func.count(ServiceRequest.id)).where(open_filter, ServiceRequest.assignee_id.is_(None))
    )
    recent = db.scalar(
        select(func.count(ServiceRequest.id)).where(ServiceRequest.created_at >= now - timedelta(days=7))
    )
    rating = db.scalar(select(func.avg(ServiceRequest.rating)))
    return {
        "by_status": counts,
        "open": sum(counts[s.value] for s in OPEN_STATUSES),
        "overdue": overdue,
        "unassigned_open": unassigned or 0,
        "created_last_7_days": recent or 0,
        "average_rating": round(float(rating), 2) if rating is not None else None,
    }

"""What each staff role sees first: their queue, the review backlog, the portal's counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge_base.models import Article, ArticleStatus
from portal.models import LinkSuggestion, ServiceRequest, SuggestionState, User
from portal.models.requests import OPEN_STATUSES
from portal.requests.sla import overdue_query

#: How many rows each home-page list shows (the full lists are one click away).
HOME_ROWS = 10


def _active_requests():
    return (
        select(ServiceRequest)
        .where(ServiceRequest.status.in_(OPEN_STATUSES))
        .order_by(ServiceRequest.resolution_due.asc(), ServiceRequest.id.asc())
    )


def agent_lists(session: Session, agent: User) -> dict[str, list[ServiceRequest]]:
    """The agent's own active requests and the unassigned ones, most urgent first."""
    mine = _active_requests().where(ServiceRequest.assignee_id == agent.id).limit(HOME_ROWS)
    unassigned = _active_requests().where(ServiceRequest.assignee_id.is_(None)).limit(HOME_ROWS)
    return {"mine": list(session.scalars(mine)), "unassigned": list(session.scalars(unassigned))}


def pending_suggestions(session: Session) -> tuple[int, list[LinkSuggestion]]:
    """How many link suggestions wait for review, and the oldest few."""
    pending = LinkSuggestion.state == SuggestionState.PENDING
    count = session.scalar(select(func.count()).select_from(LinkSuggestion).where(pending)) or 0
    oldest = session.scalars(
        select(LinkSuggestion)
        .where(pending)
        .order_by(LinkSuggestion.created_at, LinkSuggestion.id)
        .limit(HOME_ROWS)
    )
    return count, list(oldest)


def admin_counts(session: Session, now: datetime) -> dict[str, int]:
    """The figures an administrator checks first."""

    def count(query) -> int:
        return session.scalar(select(func.count()).select_from(query.subquery())) or 0

    return {
        "users": count(select(User.id).where(User.is_active.is_(True))),
        "active_requests": count(select(ServiceRequest.id).where(ServiceRequest.status.in_(OPEN_STATUSES))),
        "unassigned": count(
            select(ServiceRequest.id).where(
                ServiceRequest.status.in_(OPEN_STATUSES), ServiceRequest.assignee_id.is_(None)
            )
        ),
        "overdue": count(overdue_query(now).with_only_columns(ServiceRequest.id)),
        "pending_suggestions": count(
            select(LinkSuggestion.id).where(LinkSuggestion.state == SuggestionState.PENDING)
        ),
        "articles_in_review": count(select(Article.id).where(Article.status == ArticleStatus.IN_REVIEW)),
    }

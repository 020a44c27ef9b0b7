"""Agents' mail preferences: watched category queues, all new requests, replies on assigned requests."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from portal import access
from portal.models import AgentMailPreference, Category, CategoryWatch, User


@dataclass
class AgentPreferences:
    """One agent's choices (the defaults apply until they save)."""

    all_new_requests: bool = False
    replies_on_assigned: bool = True
    watched: list[int] = field(default_factory=list)


def for_agent(session: Session, agent: User) -> AgentPreferences:
    """The agent's saved preferences, or the defaults."""
    row = session.get(AgentMailPreference, agent.id)
    watched = list(
        session.scalars(select(CategoryWatch.category_id).where(CategoryWatch.user_id == agent.id))
    )
    if row is None:
        return AgentPreferences(watched=watched)
    return AgentPreferences(row.all_new_requests, row.replies_on_assigned, watched)


def save(session: Session, agent: User, prefs: AgentPreferences) -> None:
    """Store the agent's preferences (only categories that exist are kept)."""
    row = session.get(AgentMailPreference, agent.id) or AgentMailPreference(user_id=agent.id)
    row.all_new_requests, row.replies_on_assigned = prefs.all_new_requests, prefs.replies_on_assigned
    session.add(row)
    session.execute(delete(CategoryWatch).where(CategoryWatch.user_id == agent.id))
    existing = set(session.scalars(select(Category.id).where(Category.id.in_(prefs.watched))))
    session.add_all(CategoryWatch(user_id=agent.id, category_id=c) for c in sorted(existing))
    session.flush()


def watchers_of(session: Session, category_id: int | None) -> list[User]:
    """Active agents who want a mail about a new request in `category_id`."""
    watching = select(CategoryWatch.user_id).where(CategoryWatch.category_id == category_id)
    everything = select(AgentMailPreference.user_id).where(AgentMailPreference.all_new_requests.is_(True))
    conditions = [User.id.in_(everything)]
    if category_id is not None:
        conditions.append(User.id.in_(watching))
    agents = session.scalars(select(User).where(User.is_active.is_(True), or_(*conditions)).order_by(User.id))
    return [a for a in agents if access.allows(a, access.Action.WORK_QUEUE)]

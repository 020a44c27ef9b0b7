"""Marketers' decisions on link suggestions (the web review queue and the API share them)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
from portal import audit
from portal.marketing import overrides
from portal.models import LinkSuggestion, SuggestionState, User
from portal.webhooks import events as webhooks


def review_suggestions(session: Session, reviewer: User, ids: list[int], state: SuggestionState) -> int:
    """Approve or reject suggestions; blocked ones are left alone, and rejecting an overridden one
    revokes its override. Audited; the caller commits."""
    changed = 0
    for suggestion in session.scalars(select(LinkSuggestion).where(LinkSuggestion.id.in_(ids))):
        if suggestion.state == SuggestionState.BLOCKED:
            continue  # the linker refused it; fix the cause and rescan, or override it with a reason
        if suggestion.override is not None:
            if state == SuggestionState.APPROVED:
                continue  # approved already, by the override
            overrides.revoke(session, reviewer, suggestion.override, state=state)  # else a rescan re-approves
        suggestion.state, suggestion.reviewer_id, suggestion.reviewed_at = state, reviewer.id, utcnow()
        if state == SuggestionState.APPROVED:
            webhooks.suggestion_approved(session, suggestion)
        audit.record(
            session,
            f"suggestion.{state.value}",
            actor=reviewer,
            target=str(suggestion.id),
            offer=suggestion.offer.code,
        )
        changed += 1
    return changed

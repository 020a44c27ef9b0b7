"""Record security-relevant actions in the audit log."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from sqlalchemy.orm import Session

from portal.models import AuditLog, User


def record(
    session: Session,
    action: str,
    *,
    actor: User | None = None,
    target: str | None = None,
    **details: Any,
) -> AuditLog:
    """Add an audit entry to the session (the caller commits with its own change)."""
    ip = request.remote_addr if has_request_context() else None
    entry = AuditLog(
        action=action,
        actor_id=actor.id if actor is not None else None,
        target=target,
        ip=ip,
        details=details,
    )
    session.add(entry)
    return entry

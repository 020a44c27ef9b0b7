"""Admin rules: searching users, changing roles, (de)activating accounts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from knowledge_base.errors import FieldError
from portal import audit
from portal.models import AuditLog, Role, User
from portal.models.users import new_security_stamp

#: Longest text the user search accepts (an email address is at most 254 characters).
SEARCH_MAX = 254
#: Longest audit action name to filter by: the column's length.
ACTION_MAX: int = AuditLog.__table__.c.action.type.length


def search_text(value: str, max_chars: int, field: str) -> str:
    """A search text stripped, or FieldError if it is longer than `max_chars`."""
    value = value.strip()
    if len(value) > max_chars:
        raise FieldError(_l("Search for at most %(n)d characters.", n=max_chars), field=field)
    return value


def user_query(search: str = "", role: str = "") -> Select:
    """Users matching a search text (name or email) and an optional role, newest first."""
    query = select(User).order_by(User.created_at.desc(), User.id.desc())
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(or_(func.lower(User.email).like(pattern), func.lower(User.name).like(pattern)))
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    return query


def _guard_self(actor: User, user: User) -> None:
    if actor.id == user.id:
        raise FieldError(_l("You cannot change your own role or deactivate yourself."), field="role")


def change_role(session: Session, actor: User, user: User, role: Role) -> None:
    """Give `user` a new role and audit it; the user's sessions restart with the new role."""
    _guard_self(actor, user)
    if user.role == role:
        return
    audit.record(
        session,
        "user.role_changed",
        actor=actor,
        target=user.email,
        old=user.role.value,
        new=role.value,
    )
    user.role = role
    user.security_stamp = new_security_stamp()


def set_active(session: Session, actor: User, user: User, active: bool) -> None:
    """Activate or deactivate an account; deactivation ends its sessions at once."""
    _guard_self(actor, user)
    if user.is_active == active:
        return
    user.is_active = active
    user.security_stamp = new_security_stamp()
    audit.record(session, "user.activated" if active else "user.deactivated", actor=actor, target=user.email)


def set_kb_editor(session: Session, actor: User, user: User, kb_editor: bool) -> None:
    """Grant or remove the right to review and publish articles."""
    if user.kb_editor == kb_editor:
        return
    user.kb_editor = kb_editor
    audit.record(session, "user.kb_editor_changed", actor=actor, target=user.email, value=kb_editor)


def audit_query(action: str = "") -> Select:
    """Audit entries, newest first, optionally of one action."""
    query = select(AuditLog).order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
    if action:
        query = query.where(AuditLog.action == action)
    return query

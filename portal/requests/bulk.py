"""Bulk actions on the queue: one change applied to many requests in one transaction, or to none."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.errors import FieldError
from portal import access
from portal.models import ServiceRequest, User
from portal.requests import services
from portal.requests.errors import ConflictError

#: The most requests one bulk action may touch (a queue page holds 25).
BULK_MAX = 100
#: Seen-ids beyond any real id: a bulk conflict reports the request, not each newer event.
_SEEN_ALL = 2**62


@dataclass
class BulkChange:
    """What the agent chose on the queue: the selected requests (id -> version seen) and the change."""

    versions: dict[int, int]
    assignee: str = ""
    status: str = ""
    priority: str = ""
    tag: str = ""
    confirm_close: bool = False


class BulkError(FieldError):
    """The bulk action was refused for some requests; `failures` lists (reference, reason)."""

    def __init__(self, message: object, failures: list[tuple[str, str]]) -> None:
        super().__init__(message)
        self.failures = failures


def _check_selection(change: BulkChange) -> None:
    if not change.versions:
        raise FieldError(_l("Select at least one request."), field="ids")
    if len(change.versions) > BULK_MAX:
        raise FieldError(_l("Select at most %(n)d requests at a time.", n=BULK_MAX), field="ids")
    if not (change.assignee or change.status or change.priority or change.tag.strip()):
        raise FieldError(_l("Choose what to change: assignee, status, priority or a tag."), field="ids")


def apply_bulk(session: Session, agent: User, change: BulkChange) -> list[tuple[ServiceRequest, list[str]]]:
    """Apply `change` to every selected request, each with its own history entries; returns each
    request with what changed on it (as `staff_update` names it).

    All or nothing: any request the agent may not handle, changed by someone else since the
    queue was loaded, or refusing the change (e.g. a forbidden status move) raises BulkError,
    and the caller rolls the whole transaction back.
    """
    _check_selection(change)
    found = list(
        session.scalars(
            select(ServiceRequest).where(ServiceRequest.id.in_(change.versions)).order_by(ServiceRequest.id)
        )
    )
    failures: list[tuple[str, str]] = []
    applied: list[tuple[ServiceRequest, list[str]]] = []
    missing = len(change.versions) - len(found)
    if missing:
        failures.append(("—", str(_l("%(n)d selected requests no longer exist.", n=missing))))
    for request in found:
        if not access.allows(agent, access.Action.HANDLE, request):
            failures.append((request.reference, str(_l("You may not change this request."))))
            continue
        one = services.StaffChange(
            version=change.versions[request.id],
            seen_event_id=_SEEN_ALL,
            seen_message_id=_SEEN_ALL,
            status=change.status,
            assignee=change.assignee,
            priority=change.priority,
            add_tags=[change.tag] if change.tag.strip() else [],
            confirm_close=change.confirm_close,
        )
        try:
            services.require_close_confirmation(request, one)
            applied.append((request, services.staff_update(session, agent, request, one, max_chars=0)))
        except ConflictError:
            failures.append(
                (request.reference, str(_l("Someone else changed it since you loaded the queue.")))
            )
        except FieldError as exc:
            failures.append((request.reference, str(exc.message)))
    if failures:
        raise BulkError(
            _l("Nothing was changed: %(n)d of the selected requests refused it.", n=len(failures)), failures
        )
    return applied

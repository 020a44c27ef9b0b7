"""Requests, their messages and attachments: the web's rules through portal.access and the services."""

from __future__ import annotations

from typing import Any

from flask import current_app, send_file
from flask_login import current_user
from sqlalchemy import or_, select

from knowledge_base.db import utcnow
from portal import access
from portal.api.auth import scope
from portal.api.blueprint import bp
from portal.api.errors import api_error
from portal.api.idempotency import idempotent
from portal.api.pagination import Sort, paginate
from portal.api.schemas import (
    AttachmentList,
    AttachmentOut,
    MessageFilesIn,
    MessageIn,
    MessageList,
    MessageOut,
    MessageWithFilesOut,
    RequestIn,
    RequestOut,
    RequestPage,
    RequestPatch,
    RequestQuery,
)
from portal.db import get_session
from portal.extensions import limiter
from portal.models import Attachment, Category, RequestStatus, ServiceRequest
from portal.models.requests import OPEN_STATUSES
from portal.requests import attachments as files
from portal.requests import limits as rate_limits
from portal.requests import notifications, services

TAG = "Requests"
SORTS = {
    "created": (ServiceRequest.created_at, False),
    "-created": (ServiceRequest.created_at, True),
    "updated": (ServiceRequest.updated_at, False),
    "-updated": (ServiceRequest.updated_at, True),
}


#: Replies through the API: the web's per-user limits (REPLY_RATE_LIMIT, STAFF_RATE_LIMIT for staff).
reply_limit = limiter.limit(
    lambda: current_app.config["STAFF_RATE_LIMIT" if _staff() else "REPLY_RATE_LIMIT"],
    key_func=rate_limits.user_key,
    methods=["POST"],
)


def _limits() -> services.Limits:
    return services.Limits.from_config(current_app.config)


def _staff() -> bool:
    return access.allows(current_user, access.Action.WORK_QUEUE)


def _load(ref: str) -> ServiceRequest:
    """The request `ref` if the token's owner may see it (404 for another customer's)."""
    return access.request_by_reference(ref, access.Action.VIEW)


@bp.get("/requests")
@bp.input(RequestQuery, location="query")
@bp.output(RequestPage)
@bp.doc(tags=[TAG])
@scope("requests:read")
def list_requests(query_data: dict[str, Any]):
    """List requests: a customer's own, or (staff) every request."""
    query = select(ServiceRequest)
    if not _staff():
        query = query.where(ServiceRequest.customer_id == current_user.id)
    status = query_data.get("status")
    if status == "active":
        query = query.where(ServiceRequest.status.in_(OPEN_STATUSES))
    elif status:
        query = query.where(ServiceRequest.status == RequestStatus(status))
    if query_data.get("priority"):
        query = query.where(ServiceRequest.priority == query_data["priority"])
    if query_data.get("category"):
        slug = query_data["category"]
        query = query.join(Category, ServiceRequest.category_id == Category.id).where(
            or_(Category.slug == slug, Category.parent.has(slug=slug))
        )
    column, descending = SORTS[query_data["sort"]]
    page = paginate(
        get_session(),
        query,
        Sort(column, ServiceRequest.id, descending),
        query_data.get("cursor"),
        query_data["limit"],
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@bp.post("/requests")
@idempotent
@rate_limits.new_requests  # the web's per-customer limit holds through the API too
@bp.input(RequestIn, location="json")
@bp.output(RequestOut, status_code=201)
@bp.doc(tags=[TAG], responses={409: "Idempotency-Key in use", 422: "Invalid input"})
@scope("requests:write")
def create_request(json_data: dict[str, Any]):
    """Raise a request as the token's owner (channel "api")."""
    db = get_session()
    data = services.NewRequest(
        subject=json_data["subject"],
        description=json_data["description"],
        category=json_data["category"],
        product=json_data["product"],
        priority=json_data["priority"],
    )
    created = services.create_request(db, current_user, data, _limits())
    created.channel = "api"
    db.commit()
    return created, 201, {"Location": f"/api/v1/requests/{created.reference}"}


@bp.get("/requests/<ref>")
@bp.output(RequestOut)
@bp.doc(tags=[TAG])
@scope("requests:read")
def get_request(ref: str):
    """One request (404 for another customer's)."""
    return _load(ref)


@bp.patch("/requests/<ref>")
@idempotent
@bp.input(RequestPatch, location="json")
@bp.output(RequestOut)
@bp.doc(tags=[TAG], responses={403: "Not allowed for your role", 409: "Transition refused or conflict"})
@scope("requests:write")
def update_request(ref: str, json_data: dict[str, Any]):
    """Change a request. Customers: status `closed`, `open` (reopen a resolved one), rating.
    Staff: status (allowed transitions only), priority, assignee_id; `version` detects conflicts."""
    db = get_session()
    found = _load(ref)
    old_status, old_assignee = found.status, found.assignee_id
    if access.allows(current_user, access.Action.FOLLOW, found):
        _customer_update(found, json_data)
        db.commit()
        return found
    if not access.allows(current_user, access.Action.HANDLE, found):
        raise api_error(403, "You may not change this request.")
    _staff_update(found, json_data)
    db.commit()
    if found.status != old_status:
        notifications.customer_told_of_status(found)
    if found.assignee_id not in (old_assignee, None, current_user.id):
        notifications.assignee_told_of_assignment(found)
    return found


def _customer_update(found: ServiceRequest, data: dict[str, Any]) -> None:
    db = get_session()
    if data.keys() & {"priority", "assignee_id"}:
        raise api_error(403, "Only staff change the priority or the assignee.")
    _check_version(found, data)
    status = data.get("status")
    if status == RequestStatus.CLOSED.value:
        services.customer_close(db, current_user, found)
    elif status == RequestStatus.OPEN.value:
        services.customer_reopen(db, current_user, found, _limits().reopen_days)
    elif status and status != found.status.value:
        raise api_error(403, "Customers may only close or reopen their requests.")
    if "rating" in data:
        services.rate(db, current_user, found, data["rating"], data.get("rating_comment", ""))


def _check_version(found: ServiceRequest, data: dict[str, Any]) -> None:
    if "version" in data and data["version"] != found.version:
        raise api_error(409, "The request changed since you read it: read it again and retry.")


def _staff_update(found: ServiceRequest, data: dict[str, Any]) -> None:
    if "rating" in data:
        raise api_error(403, "Only the customer rates a request.")
    assignee = ""
    if "assignee_id" in data:
        assignee = "none" if data["assignee_id"] is None else str(data["assignee_id"])
    change = services.StaffChange(
        version=data.get("version", found.version),
        status=data.get("status", ""),
        assignee=assignee,
        priority=data.get("priority", ""),
    )
    services.staff_update(get_session(), current_user, found, change, max_chars=_limits().message_max_chars)


@bp.get("/requests/<ref>/messages")
@bp.output(MessageList)
@bp.doc(tags=[TAG])
@scope("requests:read")
def list_messages(ref: str):
    """The thread: public messages, and internal notes for staff."""
    found = _load(ref)
    staff = access.allows(current_user, access.Action.HANDLE, found)
    return {"items": [m for m in found.messages if staff or not m.internal]}


@bp.post("/requests/<ref>/messages")
@idempotent
@reply_limit
@bp.input(MessageIn, location="json")
@bp.output(MessageOut, status_code=201)
@bp.doc(tags=[TAG], responses={403: "Internal notes are for staff", 409: "Conflict"})
@scope("requests:write")
def create_message(ref: str, json_data: dict[str, Any]):
    """Reply on a request (customers: their own; staff: a reply or, with `internal`, a note)."""
    return _reply(_load(ref), json_data["body"], json_data["internal"], []), 201


@bp.post("/requests/<ref>/attachments")
@idempotent
@reply_limit
@bp.input(MessageFilesIn, location="form_and_files")
@bp.output(MessageWithFilesOut, status_code=201)
@bp.doc(
    tags=[TAG],
    responses={403: "Internal notes are for staff", 409: "Conflict", 422: "A file was refused"},
)
@scope("requests:write")
def create_message_with_files(ref: str, form_and_files_data: dict[str, Any]):
    """Reply with files (multipart/form-data): the web's checks and limits on names, types and sizes.

    `files` may be repeated; a refused file answers 422 with the reason on the `attachments` field.
    """
    found = _load(ref)
    uploads = [
        files.Upload(f.filename or "", f.read()) for f in form_and_files_data.get("files", []) if f.filename
    ]
    if not uploads:
        raise api_error(422, "Attach at least one file (or post the reply to /messages).")
    data = form_and_files_data
    return _reply(found, data["body"], data["internal"], uploads), 201


def _reply(found: ServiceRequest, body: str, internal: bool, uploads: list[files.Upload]):
    """A customer's or agent's reply (with `uploads`) through the web's services; commits and notifies."""
    db = get_session()
    old_status = found.status
    limits = _limits()
    max_chars = limits.message_max_chars
    if access.allows(current_user, access.Action.FOLLOW, found):
        if internal:
            raise api_error(403, "Only staff write internal notes.")
        message = services.customer_reply(
            db, current_user, found, body, max_chars, uploads=uploads, limits=limits
        )
        tell = notifications.assignee_told_of_customer_reply
    elif access.allows(current_user, access.Action.HANDLE, found):
        before = {m.id for m in found.messages}
        change = services.StaffChange(version=found.version, body=body, internal=internal, uploads=uploads)
        if not services.staff_update(db, current_user, found, change, max_chars=max_chars, limits=limits):
            raise api_error(422, "Write a message first.")
        db.flush()
        message = next(m for m in found.messages if m.id not in before)
        tell = _tell_customer(old_status)
    else:
        raise api_error(403, "You may not reply on this request.")
    message.channel = "api"
    found.updated_at = utcnow()
    db.commit()
    if not message.internal:
        tell(found, message.body)
    return message


def _tell_customer(old_status: RequestStatus):
    """After a staff reply: the customer hears of it (and of a status change it made)."""

    def tell(found: ServiceRequest, body: str) -> None:
        notifications.customer_told_of_reply(found, body)
        if found.status != old_status:
            notifications.customer_told_of_status(found)

    return tell


@bp.get("/requests/<ref>/attachments")
@bp.output(AttachmentList)
@bp.doc(tags=[TAG])
@scope("requests:read")
def list_attachments(ref: str):
    """The files attached to a request (a customer never sees those on internal notes)."""
    found = _load(ref)
    return {"items": [a for a in found.attachments if access.allows(current_user, access.Action.VIEW, a)]}


@bp.get("/attachments/<int:attachment_id>")
@bp.output(AttachmentOut)
@bp.doc(tags=[TAG])
@scope("requests:read")
def get_attachment(attachment_id: int):
    """One attachment's metadata (404 for another customer's)."""
    return access.load(Attachment, attachment_id, access.Action.VIEW)


@bp.get("/attachments/<int:attachment_id>/content")
@bp.output({}, content_type="application/octet-stream", description="The file")
@bp.doc(tags=[TAG])
@scope("requests:read")
def download_attachment(attachment_id: int):
    """The file itself, as a download."""
    item = access.load(Attachment, attachment_id, access.Action.VIEW)
    path = _limits().attachment_folder / item.stored_name
    if not path.is_file():
        raise api_error(404, "The file is missing.")
    response = send_file(
        path,
        mimetype=item.content_type,
        as_attachment=True,
        download_name=files.download_name(item.original_name, item.content_type),
        max_age=0,
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response

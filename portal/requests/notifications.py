"""Who is told what by mail about a request, in the recipient's language."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import access, notify
from portal.mail import MailError, external_url
from portal.models import ServiceRequest, User
from portal.models.users import STAFF_ROLES
from portal.requests.workflow import STATUS_LABELS


def _send(
    user: User | None, template: str, subject: object, request: ServiceRequest, link: str, **extra
) -> None:
    if user is None or not user.is_active:
        return
    try:
        notify.send_templated(
            user.email, user.locale, template, subject, user=user, request=request, link=link, **extra
        )
    except MailError:
        current_app.logger.exception("Could not send %s for %s", template, request.reference)


def excerpt(body: str, limit: int) -> tuple[str, bool]:
    """The first `limit` characters of `body` (cut at a word if one ends near), and whether it was cut."""
    if len(body) <= limit:
        return body, False
    cut = body[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + " …", True


def _excerpt(body: str) -> dict[str, object]:
    text, cut = excerpt(body, current_app.config["MAIL_EXCERPT_CHARS"])
    return {"body": text, "truncated": cut}


def _customer_link(request: ServiceRequest) -> str:
    return external_url("requests.detail", ref=request.reference)


def _staff_link(request: ServiceRequest) -> str:
    return external_url("staff_requests.detail", ref=request.reference)


def customer_told_of_reply(request: ServiceRequest, body: str) -> None:
    """The customer learns of a public reply (unless they turned request mails off)."""
    if request.customer.notify_by_email:
        _send(
            request.customer,
            "request_reply",
            _l("New reply on %(ref)s", ref=request.reference),
            request,
            _customer_link(request),
            **_excerpt(body),
        )


def customer_told_of_status(request: ServiceRequest) -> None:
    """The customer learns of a status change (unless they turned request mails off)."""
    if request.customer.notify_by_email:
        _send(
            request.customer,
            "request_status",
            _l("%(ref)s is now %(status)s", ref=request.reference, status=STATUS_LABELS[request.status]),
            request,
            _customer_link(request),
        )


def assignee_told_of_customer_reply(request: ServiceRequest, body: str) -> None:
    """The assignee learns that the customer replied."""
    _send(
        request.assignee,
        "request_customer_reply",
        _l("Customer replied on %(ref)s", ref=request.reference),
        request,
        _staff_link(request),
        **_excerpt(body),
    )


def assignee_told_of_assignment(request: ServiceRequest) -> None:
    """The new assignee learns the request is theirs."""
    _send(
        request.assignee,
        "request_assigned",
        _l("%(ref)s was assigned to you", ref=request.reference),
        request,
        _staff_link(request),
    )


def escalation_told(session: Session, request: ServiceRequest) -> None:
    """The assignee and every admin learn of an escalation."""
    staff = session.scalars(select(User).where(User.role.in_(STAFF_ROLES), User.is_active.is_(True)))
    admins = [u for u in staff if access.allows(u, access.Action.ADMINISTER)]
    recipients = {u.id: u for u in [*admins, request.assignee] if u is not None}
    for user in recipients.values():
        _send(
            user,
            "request_escalated",
            _l("Overdue: %(ref)s was escalated", ref=request.reference),
            request,
            _staff_link(request),
        )

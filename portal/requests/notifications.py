"""Who is told what by mail about a request, in the recipient's language.

Every function here puts its mail in the outbox of the caller's session (`portal.mailout.outbox`):
the mail is committed with the change that caused it and sent after the commit by
`outbox.dispatch`. Mails are threaded per recipient (`portal.mailout.threading`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from portal import access
from portal.mail import external_url
from portal.mailout import outbox, preferences
from portal.mailout.threading import request_mail
from portal.models import Attachment, OutboxMessage, RequestMessage, RequestStatus, ServiceRequest, User
from portal.models.users import STAFF_ROLES
from portal.requests.attachments import download_name
from portal.requests.workflow import STATUS_LABELS

#: How many articles an acknowledgement suggests at most.
ACK_SUGGESTIONS = 3


def _also_after_commit(func: Callable[..., None]) -> Callable[..., None]:
    """Also accept the older call without a session (`f(request, ...)`, made after the caller's
    commit): the mail is queued on the request's session, committed and sent at once."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        if args and isinstance(args[0], ServiceRequest):
            session = object_session(args[0])
            if session is None:
                raise ValueError("the request is not attached to a session")
            func(session, *args, **kwargs)
            session.commit()
            outbox.dispatch(session)
            return
        func(*args, **kwargs)

    return wrapper


def _queue(
    session: Session,
    user: User | None,
    template: str,
    subject: object,
    request: ServiceRequest,
    link: str,
    files: Sequence[tuple[str, str, bytes]] = (),
    **extra: object,
) -> OutboxMessage | None:
    """Render `mail/<template>.txt` in the user's language and put it in the outbox."""
    if user is None or not user.is_active:
        return None
    config = current_app.config
    with force_locale(user.locale or config["BABEL_DEFAULT_LOCALE"]):
        text = render_template(f"mail/{template}.txt", user=user, request=request, link=link, **extra)
        message = request_mail(session, config, request, user, str(subject), text, files)
    return outbox.enqueue(session, message, kind=template, request_id=request.id)


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


def new_request_announced(
    session: Session,
    request: ServiceRequest,
    password_link: str | None = None,
    template: str = "request_acknowledged",
) -> None:
    """Queue the customer's acknowledgement (with suggested articles) and the watching agents' mails.

    Every way a request is created (form, on behalf, mail) calls this before its commit.
    """
    from portal.kb import search_service

    locale = request.customer.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    articles = search_service.suggest(request.subject, locale, limit=ACK_SUGGESTIONS)
    request_acknowledged(session, request, articles, password_link=password_link, template=template)
    watchers_told_of_new_request(session, request)


def request_acknowledged(
    session: Session,
    request: ServiceRequest,
    articles: list | None = None,
    password_link: str | None = None,
    template: str = "request_acknowledged",
) -> None:
    """The customer learns their request arrived, with up to three articles that may answer it.

    `template` "guest_welcome" is the acknowledgement of a guest made from their mail.
    """
    if not request.customer.notify_by_email and password_link is None:
        return
    suggestions = [
        {"title": hit.title, "url": external_url("kb.article", locale=hit.locale, slug=hit.slug)}
        for hit in (articles or [])[:ACK_SUGGESTIONS]
    ]
    _queue(
        session,
        request.customer,
        template,
        _l("We received your request: %(subject)s", subject=request.subject),
        request,
        _customer_link(request),
        articles=suggestions,
        password_link=password_link,
        days=current_app.config["MAIL_GUEST_LINK_DAYS"],
    )


def customer_told_of_staff_save(
    session: Session, request: ServiceRequest, reply: RequestMessage | None, old_status: RequestStatus
) -> None:
    """At most one mail to the customer per save: the public reply (with a new status), else the status."""
    if not request.customer.notify_by_email:
        return
    changed = request.status != old_status
    if reply is not None:
        files = [a for a in request.attachments if a.message is reply]
        row = _queue(
            session,
            request.customer,
            "request_reply",
            _l("New reply: %(subject)s", subject=request.subject),
            request,
            _customer_link(request),
            status=STATUS_LABELS[request.status] if changed else None,
            files=_mail_files(files),
            attachments=[a.display_name for a in files],
            **_excerpt(reply.body),
        )
        if row is not None:
            reply.mail_message_id = row.message_id
    elif changed:
        customer_told_of_status(session, request)


def _mail_files(items: list[Attachment]) -> list[tuple[str, str, bytes]]:
    """The stored files of a reply, to attach to its mail."""
    folder = Path(current_app.config["INSTANCE_PATH"]) / "attachments"
    return [
        (
            download_name(a.original_name, a.content_type),
            a.content_type,
            (folder / a.stored_name).read_bytes(),
        )
        for a in items
    ]


@_also_after_commit
def customer_told_of_status(session: Session, request: ServiceRequest) -> None:
    """The customer learns of a status change (unless they turned request mails off)."""
    if request.customer.notify_by_email:
        _queue(
            session,
            request.customer,
            "request_status",
            _l("%(status)s: %(subject)s", status=STATUS_LABELS[request.status], subject=request.subject),
            request,
            _customer_link(request),
        )


@_also_after_commit
def assignee_told_of_customer_reply(session: Session, request: ServiceRequest, body: str) -> None:
    """The assignee learns that the customer replied (unless their preferences say otherwise)."""
    agent = request.assignee
    if agent is None or not preferences.for_agent(session, agent).replies_on_assigned:
        return
    _queue(
        session,
        agent,
        "request_customer_reply",
        _l("Customer replied: %(subject)s", subject=request.subject),
        request,
        _staff_link(request),
        **_excerpt(body),
    )


@_also_after_commit
def assignee_told_of_assignment(session: Session, request: ServiceRequest) -> None:
    """The new assignee learns the request is theirs."""
    _queue(
        session,
        request.assignee,
        "request_assigned",
        _l("Assigned to you: %(subject)s", subject=request.subject),
        request,
        _staff_link(request),
    )


def watchers_told_of_new_request(
    session: Session, request: ServiceRequest, *, except_id: int | None = None
) -> None:
    """Agents who watch the request's category (or all new requests) learn of it."""
    for agent in preferences.watchers_of(session, request.category_id):
        if agent.id != except_id:
            _queue(
                session,
                agent,
                "request_new",
                _l("New request: %(subject)s", subject=request.subject),
                request,
                _staff_link(request),
                **_excerpt(request.description),
            )


def escalation_told(session: Session, request: ServiceRequest) -> None:
    """The assignee and every admin learn of an escalation."""
    staff = session.scalars(select(User).where(User.role.in_(STAFF_ROLES), User.is_active.is_(True)))
    admins = [u for u in staff if access.allows(u, access.Action.ADMINISTER)]
    recipients = {u.id: u for u in [*admins, request.assignee] if u is not None}
    for user in recipients.values():
        _queue(
            session,
            user,
            "request_escalated",
            _l("Overdue, escalated: %(subject)s", subject=request.subject),
            request,
            _staff_link(request),
        )

""" "Download my data": everything the portal keeps about one person, as JSON files in a ZIP.

The archive holds what the person sees in the portal (their profile, products, requests with
the public messages, ratings, consents, votes, link events, account activity) and the files
attached to their requests. Internal notes are staff working papers and stay out; nothing of
another customer is ever read: every query is filtered by the person's id.
"""

from __future__ import annotations

import json
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.models import Article, ArticleFeedback
from portal.models import AuditLog, CustomerProduct, LinkEvent, Offer, ServiceRequest, User
from portal.requests.attachments import clean_name

#: The request history kinds a customer sees on their request page.
VISIBLE_HISTORY = ("created", "status", "rating")
#: The audit actions that record a consent given or withdrawn.
CONSENT_ACTIONS = ("consent.changed",)

README = """Your data from Shopkeeper
========================

This archive holds the personal data the portal keeps about you, exported on {date}.

profile.json      your account: name, email, language, settings
products.json     the products registered to you
requests.json     your service requests with their history
messages.json     the messages you and our staff exchanged in your requests
ratings.json      the ratings you gave to resolved requests
consents.json     your marketing and notification choices, and when you changed them
votes.json        your "was this helpful?" votes on help articles
link_events.json  offer links shown to you or clicked while you were logged in
activity.json     security events of your account (log-ins, password changes) with the IP address
attachments/      the files attached to your requests, one folder per request

Dates are in UTC (ISO 8601). To have your data corrected or erased, contact our support.
"""


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def profile(user: User) -> dict[str, Any]:
    """The account fields."""
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role.value,
        "locale": user.locale,
        "timezone": user.timezone,
        "segment": user.segment,
        "active": user.is_active,
        "email_confirmed_at": _iso(user.email_confirmed_at),
        "created_at": _iso(user.created_at),
        "updated_at": _iso(user.updated_at),
        "last_login_at": _iso(user.last_login_at),
    }


def products(session: Session, user: User) -> list[dict[str, Any]]:
    """The products registered to the person."""
    owned = session.scalars(
        select(CustomerProduct).where(CustomerProduct.user_id == user.id).order_by(CustomerProduct.id)
    )
    return [
        {
            "id": p.id,
            "sku": p.product.sku,
            "product": p.product.name,
            "kind": p.product.kind,
            "serial_number": p.serial_number,
            "purchased_on": _iso(p.purchased_on),
        }
        for p in owned
    ]


def own_requests(session: Session, user: User) -> list[ServiceRequest]:
    """The person's requests, oldest first."""
    return list(
        session.scalars(
            select(ServiceRequest).where(ServiceRequest.customer_id == user.id).order_by(ServiceRequest.id)
        )
    )


def request_record(request: ServiceRequest) -> dict[str, Any]:
    """One request as its owner sees it (with the history shown on the request page)."""
    return {
        "reference": request.reference,
        "subject": request.subject,
        "description": request.description,
        "category": request.category.name if request.category else None,
        "product": request.product.name if request.product else None,
        "priority": request.priority.value,
        "status": request.status.value,
        "channel": request.channel,
        "created_at": _iso(request.created_at),
        "updated_at": _iso(request.updated_at),
        "resolved_at": _iso(request.resolved_at),
        "closed_at": _iso(request.closed_at),
        "history": [
            {"kind": e.kind, "from": e.from_value, "to": e.to_value, "at": _iso(e.created_at)}
            for e in request.events
            if e.kind in VISIBLE_HISTORY
        ],
    }


def messages(requests: list[ServiceRequest], user: User) -> list[dict[str, Any]]:
    """The public messages of the person's requests (never internal notes)."""
    return [
        {
            "id": m.id,
            "request": r.reference,
            "from": "you" if m.author_id == user.id else m.author.name,
            "body": m.body,
            "channel": m.channel,
            "created_at": _iso(m.created_at),
        }
        for r in requests
        for m in r.messages
        if not m.internal
    ]


def ratings(requests: list[ServiceRequest]) -> list[dict[str, Any]]:
    """The ratings the person gave."""
    out = []
    for r in requests:
        if r.rating is None:
            continue
        rated = next((e.created_at for e in r.events if e.kind == "rating"), None)
        out.append(
            {"request": r.reference, "rating": r.rating, "comment": r.rating_comment, "rated_at": _iso(rated)}
        )
    return out


def consents(session: Session, user: User) -> dict[str, Any]:
    """Current choices and the recorded changes of the marketing consent."""
    changes = session.scalars(
        select(AuditLog)
        .where(AuditLog.actor_id == user.id, AuditLog.action.in_(CONSENT_ACTIONS))
        .order_by(AuditLog.id)
    )
    return {
        "marketing_consent": user.marketing_consent,
        "notify_by_email": user.notify_by_email,
        "history": [
            {"at": _iso(c.created_at), "marketing_consent": (c.details or {}).get("marketing_consent")}
            for c in changes
        ],
    }


def votes(session: Session, user: User) -> list[dict[str, Any]]:
    """The person's helpfulness votes on articles."""
    rows = session.execute(
        select(ArticleFeedback, Article)
        .join(Article, Article.id == ArticleFeedback.article_id)
        .where(ArticleFeedback.voter == f"user:{user.id}")
        .order_by(ArticleFeedback.id)
    )
    return [
        {
            "article": a.slug,
            "locale": a.locale,
            "title": a.title,
            "helpful": f.helpful,
            "comment": f.comment,
            "created_at": _iso(f.created_at),
        }
        for f, a in rows
    ]


def link_events(session: Session, user: User) -> list[dict[str, Any]]:
    """Offer links shown to or clicked by the person while logged in."""
    rows = session.execute(
        select(LinkEvent, Offer, Article)
        .join(Offer, Offer.id == LinkEvent.offer_id)
        .join(Article, Article.id == LinkEvent.article_id)
        .where(LinkEvent.user_id == user.id)
        .order_by(LinkEvent.id)
    )
    return [
        {
            "kind": e.kind,
            "offer": o.title,
            "article": a.slug,
            "locale": a.locale,
            "text": e.matched_text,
            "at": _iso(e.created_at),
        }
        for e, o, a in rows
    ]


def activity(session: Session, user: User) -> list[dict[str, Any]]:
    """Security events the person caused (action, time, IP address)."""
    rows = session.scalars(select(AuditLog).where(AuditLog.actor_id == user.id).order_by(AuditLog.id))
    return [{"action": e.action, "at": _iso(e.created_at), "ip": e.ip} for e in rows]


def attachment_path(reference: str, attachment_id: int, name: str) -> str:
    """Where an attachment goes inside the archive (names cleaned of path parts)."""
    safe = clean_name(name).replace("/", "_").replace("\\", "_").strip(". ") or "file"
    return f"attachments/{reference}/{attachment_id}-{safe}"


def collect(session: Session, user: User) -> dict[str, Any]:
    """Every JSON section of the export, keyed by file name."""
    requests = own_requests(session, user)
    return {
        "profile.json": profile(user),
        "products.json": products(session, user),
        "requests.json": [request_record(r) for r in requests],
        "messages.json": messages(requests, user),
        "ratings.json": ratings(requests),
        "consents.json": consents(session, user),
        "votes.json": votes(session, user),
        "link_events.json": link_events(session, user),
        "activity.json": activity(session, user),
        "attachments.json": [
            {
                "request": r.reference,
                "name": a.display_name,
                "content_type": a.content_type,
                "size": a.size,
                "created_at": _iso(a.created_at),
                "file": attachment_path(r.reference, a.id, a.original_name),
            }
            for r in requests
            for a in r.attachments
        ],
    }


def write_export(session: Session, user: User, attachment_folder: Path, out: IO[bytes], today: date) -> dict:
    """Write the person's ZIP into `out`; returns the sections (a missing file is noted, not fatal)."""
    sections = collect(session, user)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(date=today.isoformat()))
        for name, data in sections.items():
            archive.writestr(name, json.dumps(data, ensure_ascii=False, indent=2))
        for request in own_requests(session, user):
            for item in request.attachments:
                source = attachment_folder / item.stored_name
                if source.is_file():
                    archive.write(source, attachment_path(request.reference, item.id, item.original_name))
    return sections

"""A customer's whole picture for staff: products with warranty, requests with SLA result, class, notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from knowledge_base.errors import FieldError
from knowledge_base.models import Article
from portal import audit
from portal.customers import registry, segments
from portal.models import (
    ArticleRead,
    CustomerNote,
    CustomerProduct,
    CustomerValue,
    Role,
    ServiceRequest,
    User,
)
from portal.requests.sla import as_aware

NOTE_MAX = 5000
#: Reads kept per user (the oldest are dropped): enough for "what did they read before asking".
READS_KEPT = 50
READS_SHOWN = 10


@dataclass(frozen=True)
class OwnedProduct:
    """A registered product with its warranty state."""

    owned: CustomerProduct
    warranty_end: date | None
    in_warranty: bool | None


def owned_with_warranty(session: Session, customer_id: int, today: date) -> list[OwnedProduct]:
    """The customer's registered products, each with its warranty end and state on `today`."""
    return [
        OwnedProduct(o, registry.warranty_end(o), registry.in_warranty(o, today))
        for o in registry.owned_products(session, customer_id)
    ]


def sla_result(request: ServiceRequest, now: datetime) -> str:
    """ "met", "missed" or "running" (open and not late yet) for the request's SLA targets."""
    first_due, resolution_due = as_aware(request.first_response_due), as_aware(request.resolution_due)
    responded = as_aware(request.first_responded_at)
    finished = as_aware(request.resolved_at) or as_aware(request.closed_at)
    if first_due is not None and (responded or now) > first_due:
        return "missed"
    waiting = as_aware(request.sla_paused_at)  # the resolution clock stands still while waiting
    if resolution_due is not None and (finished or waiting or now) > resolution_due:
        return "missed"
    return "running" if finished is None else "met"


def requests_of(customer_id: int):
    """The customer's requests, newest first (a query: the page paginates it)."""
    return (
        select(ServiceRequest)
        .where(ServiceRequest.customer_id == customer_id)
        .order_by(ServiceRequest.created_at.desc(), ServiceRequest.id.desc())
    )


def value_of(session: Session, customer_id: int) -> CustomerValue | None:
    """The customer's value and class from the last classification."""
    return session.get(CustomerValue, customer_id)


def record_read(session: Session, user: User, article: Article, now: datetime) -> None:
    """Remember that a logged-in customer read `article` (one row per article, READS_KEPT per customer)."""
    if user.role != Role.CUSTOMER:
        return
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(ArticleRead).values(user_id=user.id, article_id=article.id, read_at=now)
    session.execute(
        statement.on_conflict_do_update(index_elements=["user_id", "article_id"], set_={"read_at": now})
    )
    oldest_kept = (
        select(ArticleRead.read_at)
        .where(ArticleRead.user_id == user.id)
        .order_by(ArticleRead.read_at.desc())
        .offset(READS_KEPT - 1)
        .limit(1)
        .scalar_subquery()
    )
    session.execute(
        delete(ArticleRead).where(ArticleRead.user_id == user.id, ArticleRead.read_at < oldest_kept)
    )


def reads_before_last_request(session: Session, customer_id: int) -> list[tuple[Article, datetime]]:
    """Articles the customer read before raising their last request, newest first."""
    last = session.scalar(
        select(ServiceRequest.created_at)
        .where(ServiceRequest.customer_id == customer_id)
        .order_by(ServiceRequest.created_at.desc())
        .limit(1)
    )
    query = (
        select(Article, ArticleRead.read_at)
        .join(ArticleRead, ArticleRead.article_id == Article.id)
        .where(ArticleRead.user_id == customer_id)
        .order_by(ArticleRead.read_at.desc())
        .limit(READS_SHOWN)
    )
    if last is not None:
        query = query.where(ArticleRead.read_at <= last)
    return [(article, read_at) for article, read_at in session.execute(query)]


def notes_of(session: Session, customer_id: int) -> list[CustomerNote]:
    """Internal notes about the customer, newest first."""
    return list(
        session.scalars(
            select(CustomerNote)
            .where(CustomerNote.customer_id == customer_id)
            .order_by(CustomerNote.created_at.desc(), CustomerNote.id.desc())
        )
    )


def add_note(session: Session, author: User, customer: User, body: str) -> CustomerNote:
    """Add an internal note (audited); never commits."""
    text = body.strip()
    if not text:
        raise FieldError(_l("Write the note first."), "body")
    if len(text) > NOTE_MAX:
        raise FieldError(_l("Keep the note under %(n)d characters.", n=NOTE_MAX), "body")
    note = CustomerNote(customer_id=customer.id, author_id=author.id, body=text)
    session.add(note)
    session.flush()
    audit.record(session, "customer_note_added", actor=author, target=f"user:{customer.id}", note_id=note.id)
    return note


def delete_note(session: Session, actor: User, note: CustomerNote) -> None:
    """Delete a note; the audit log keeps its text and author."""
    audit.record(
        session,
        "customer_note_deleted",
        actor=actor,
        target=f"user:{note.customer_id}",
        note_id=note.id,
        author_id=note.author_id,
        body=note.body,
    )
    session.delete(note)


def segment_names(session: Session, customer: User, now: datetime) -> list[str]:
    """The segments the customer belongs to now."""
    return sorted(segments.names_for(session, customer, now))

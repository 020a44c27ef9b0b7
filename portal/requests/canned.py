"""Canned responses: reply templates per category, with placeholders filled per request."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.errors import FieldError
from knowledge_base.locales import LOCALES
from portal import access
from portal.models import CannedResponse, Category, Priority, RequestStatus, ServiceRequest, User
from portal.requests.services import check_length
from portal.requests.tags import split_tags

#: The title column's length: the one place the limit is set.
TITLE_MAX: int = CannedResponse.__table__.c.title.type.length
TAGS_MAX: int = CannedResponse.__table__.c.set_tags.type.length


@dataclass
class MacroActions:
    """What a canned response also does when applied: the language it is for and the changes it makes."""

    locale: str = ""
    set_status: str = ""
    set_priority: str = ""
    set_tags: str = ""


def _check_actions(actions: MacroActions) -> MacroActions:
    if actions.locale and actions.locale not in LOCALES:
        raise FieldError(_l("Choose a language from the list."), field="locale")
    if actions.set_status and actions.set_status not in {s.value for s in RequestStatus}:
        raise FieldError(_l("Choose a status from the list."), field="set_status")
    if actions.set_priority and actions.set_priority not in {p.value for p in Priority}:
        raise FieldError(_l("Choose a priority from the list."), field="set_priority")
    try:
        tags = ", ".join(split_tags(actions.set_tags))
    except FieldError as exc:
        raise FieldError(exc.message, field="set_tags") from None
    if len(tags) > TAGS_MAX:
        raise FieldError(_l("Use at most %(n)d characters.", n=TAGS_MAX), field="set_tags")
    return MacroActions(actions.locale, actions.set_status, actions.set_priority, tags)


def create(
    session: Session,
    title: str,
    body: str,
    category_choice: str,
    max_chars: int,
    actions: MacroActions | None = None,
) -> CannedResponse:
    """Add a canned response (a macro when `actions` change anything); FieldError on bad input."""
    actions = _check_actions(actions or MacroActions())
    title, body = title.strip(), body.strip()
    if not title:
        raise FieldError(_l("Give the response a title."), field="title")
    check_length(title, TITLE_MAX, "title")
    if not body:
        raise FieldError(_l("Write the text of the response."), field="body")
    check_length(body, max_chars, "body")
    category_id = None
    if category_choice:
        category_id = access.valid_id(category_choice)
        if category_id is None or session.get(Category, category_id) is None:
            raise FieldError(_l("Choose a category from the list."), field="category")
    duplicate = session.scalar(
        select(CannedResponse.id).where(
            CannedResponse.title == title,
            CannedResponse.locale.is_(None)
            if not actions.locale
            else CannedResponse.locale == actions.locale,
            CannedResponse.category_id.is_(None)
            if category_id is None
            else CannedResponse.category_id == category_id,
        )
    )
    if duplicate is not None:
        raise FieldError(_l("A response with this title already exists."), field="title")
    item = CannedResponse(
        title=title,
        body=body,
        category_id=category_id,
        locale=actions.locale or None,
        set_status=actions.set_status or None,
        set_priority=actions.set_priority or None,
        set_tags=actions.set_tags or None,
    )
    session.add(item)
    return item


def fill_placeholders(template: str, request: ServiceRequest, agent: User) -> str:
    """Fill {customer_name}, {reference}, {subject}, {agent_name}, {product} in a canned response."""
    values = {
        "customer_name": request.customer.name,
        "reference": request.reference,
        "subject": request.subject,
        "agent_name": agent.name,
        # the reply goes to the customer: the product's name in the customer's language
        "product": request.product.name_in(request.customer.locale) if request.product else "",
    }
    out = template
    for key, value in values.items():
        out = out.replace("{" + key + "}", value)
    return out


def for_request(session: Session, request: ServiceRequest) -> list[CannedResponse]:
    """The canned responses that fit `request`: its category or any, the customer's language or any."""
    query = select(CannedResponse).where(
        (CannedResponse.category_id == request.category_id) | CannedResponse.category_id.is_(None)
    )
    if request.customer.locale:
        query = query.where(
            (CannedResponse.locale == request.customer.locale) | CannedResponse.locale.is_(None)
        )
    return list(session.scalars(query.order_by(CannedResponse.title, CannedResponse.id)))

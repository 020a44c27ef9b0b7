"""Canned responses: reply templates per category, with placeholders filled per request."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.errors import FieldError
from portal import access
from portal.models import CannedResponse, Category, ServiceRequest, User
from portal.requests.services import check_length

#: The title column's length: the one place the limit is set.
TITLE_MAX: int = CannedResponse.__table__.c.title.type.length


def create(session: Session, title: str, body: str, category_choice: str, max_chars: int) -> CannedResponse:
    """Add a canned response; FieldError on an empty, over-long or duplicate title, body or category."""
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
            CannedResponse.category_id.is_(None)
            if category_id is None
            else CannedResponse.category_id == category_id,
        )
    )
    if duplicate is not None:
        raise FieldError(_l("A response with this title already exists."), field="title")
    item = CannedResponse(title=title, body=body, category_id=category_id)
    session.add(item)
    return item


def fill_placeholders(template: str, request: ServiceRequest, agent: User) -> str:
    """Fill {customer_name}, {reference}, {subject}, {agent_name}, {product} in a canned response."""
    values = {
        "customer_name": request.customer.name,
        "reference": request.reference,
        "subject": request.subject,
        "agent_name": agent.name,
        "product": request.product.name if request.product else "",
    }
    out = template
    for key, value in values.items():
        out = out.replace("{" + key + "}", value)
    return out

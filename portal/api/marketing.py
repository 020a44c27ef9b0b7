"""Offers, link suggestions (review) and the linker as a service, for marketers."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from sqlalchemy import select

from portal import access, audit
from portal.api.auth import scope
from portal.api.blueprint import bp
from portal.api.errors import api_error
from portal.api.idempotency import idempotent
from portal.api.pagination import Sort, paginate
from portal.api.schemas import (
    CursorQuery,
    OfferIn,
    OfferOut,
    OfferPage,
    OfferPatch,
    ScanIn,
    ScanOut,
    SuggestionOut,
    SuggestionPage,
    SuggestionQuery,
)
from portal.db import get_session
from portal.marketing import offers
from portal.marketing.linking import linker_for
from portal.marketing.review import review_suggestions
from portal.models import LinkSuggestion, Offer, OfferStatus, SuggestionState

TAG = "Marketing"


def _marketer() -> None:
    if not access.allows(current_user, access.Action.MARKETING):
        raise api_error(403, "Only marketers use this part of the API.")


@bp.get("/offers")
@bp.input(CursorQuery, location="query")
@bp.output(OfferPage)
@bp.doc(tags=[TAG])
@scope("marketing:read")
def list_offers(query_data: dict[str, Any]):
    """Every offer, in id order."""
    _marketer()
    page = paginate(
        get_session(),
        select(Offer),
        Sort(Offer.id, Offer.id, False, "int"),
        query_data.get("cursor"),
        query_data["limit"],
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@bp.get("/offers/<int:offer_id>")
@bp.output(OfferOut)
@bp.doc(tags=[TAG])
@scope("marketing:read")
def get_offer(offer_id: int):
    """One offer."""
    _marketer()
    return access.load_staff_object(Offer, offer_id)


def _save(offer: Offer | None, data: dict[str, Any]) -> Offer:
    db = get_session()
    saved = offers.save_offer(db, offer, **data)
    audit.record(db, "offer.saved", actor=current_user, target=saved.code, via="api")
    db.commit()
    return saved


@bp.post("/offers")
@idempotent
@bp.input(OfferIn, location="json")
@bp.output(OfferOut, status_code=201)
@bp.doc(tags=[TAG], responses={409: "Conflict", 422: "Invalid offer (the linker's own rules)"})
@scope("marketing:write")
def create_offer(json_data: dict[str, Any]):
    """Create an offer (validated as `linker scan --offers` validates OFFERS.json); rescan to find links."""
    _marketer()
    return _save(None, json_data), 201


@bp.patch("/offers/<int:offer_id>")
@idempotent
@bp.input(OfferPatch, location="json")
@bp.output(OfferOut)
@bp.doc(tags=[TAG], responses={409: "Conflict", 422: "Invalid offer"})
@scope("marketing:write")
def update_offer(offer_id: int, json_data: dict[str, Any]):
    """Change an offer's fields or its status (active, paused, archived)."""
    _marketer()
    offer = access.load_staff_object(Offer, offer_id)
    status = json_data.pop("status", None)
    current = {name: getattr(offer, name) for name in OfferIn().fields}
    saved = _save(offer, {**current, **json_data})
    if status is not None and status != saved.status.value:
        saved.status = OfferStatus(status)
        audit.record(get_session(), "offer.status", actor=current_user, target=saved.code, status=status)
        get_session().commit()
    return saved


@bp.get("/suggestions")
@bp.input(SuggestionQuery, location="query")
@bp.output(SuggestionPage)
@bp.doc(tags=[TAG])
@scope("marketing:read")
def list_suggestions(query_data: dict[str, Any]):
    """Link suggestions the linker made, optionally of one review state."""
    _marketer()
    query = select(LinkSuggestion)
    if query_data.get("state"):
        query = query.where(LinkSuggestion.state == SuggestionState(query_data["state"]))
    page = paginate(
        get_session(),
        query,
        Sort(LinkSuggestion.id, LinkSuggestion.id, query_data["sort"] == "-id", "int"),
        query_data.get("cursor"),
        query_data["limit"],
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@bp.get("/suggestions/<int:suggestion_id>")
@bp.output(SuggestionOut)
@bp.doc(tags=[TAG])
@scope("marketing:read")
def get_suggestion(suggestion_id: int):
    """One link suggestion with its reasons."""
    _marketer()
    return access.load_staff_object(LinkSuggestion, suggestion_id)


def _review(suggestion_id: int, state: SuggestionState) -> LinkSuggestion:
    _marketer()
    db = get_session()
    suggestion = access.load_staff_object(LinkSuggestion, suggestion_id)
    if suggestion.state == SuggestionState.BLOCKED:
        raise api_error(409, "The linker blocked this candidate; fix the cause and rescan instead.")
    review_suggestions(db, current_user, [suggestion.id], state)
    db.commit()
    return suggestion


@bp.post("/suggestions/<int:suggestion_id>/approve")
@idempotent
@bp.output(SuggestionOut)
@bp.doc(tags=[TAG], responses={409: "Blocked by the linker"})
@scope("marketing:write")
def approve_suggestion(suggestion_id: int):
    """Approve a suggestion: the link may be shown (to readers who may see offers)."""
    return _review(suggestion_id, SuggestionState.APPROVED)


@bp.post("/suggestions/<int:suggestion_id>/reject")
@idempotent
@bp.output(SuggestionOut)
@bp.doc(tags=[TAG], responses={409: "Blocked by the linker"})
@scope("marketing:write")
def reject_suggestion(suggestion_id: int):
    """Reject a suggestion: the link is never shown."""
    return _review(suggestion_id, SuggestionState.REJECTED)


@bp.post("/linker/scan")
@bp.input(ScanIn, location="json")
@bp.output(ScanOut)
@bp.doc(tags=[TAG], responses={422: "Give text or html"})
@scope("marketing:read")
def scan(json_data: dict[str, Any]):
    """Scan a text or an HTML document with the portal's linker (active offers, blocklists):
    the links it would make and the candidates it blocked, each with its reasons, as the CLI prints."""
    _marketer()
    has_text, has_html = "text" in json_data, "html" in json_data
    if has_text == has_html:
        raise api_error(422, "Send either text or html.")
    linker, _offers = linker_for(get_session())
    lang, title = json_data.get("lang"), json_data.get("title", "")
    result = (
        linker.scan_html(json_data["html"], lang=lang, title=title)
        if has_html
        else linker.scan(json_data["text"], lang=lang, title=title)
    )
    return result.to_dict()

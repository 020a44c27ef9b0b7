"""/go/<id>: count the click (once per visitor, after an impression), then redirect to the
offer's registered URL only."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, redirect, request

from portal.db import get_session
from portal.marketing import events
from portal.marketing.offers import is_safe_url
from portal.models import LinkSuggestion, SuggestionState

bp = Blueprint("go", __name__)


@bp.route("/go/<int:suggestion_id>")
def go(suggestion_id: int):
    """Redirect to an approved, live offer; a stored URL that is not a clean http(s) URL is 404."""
    db = get_session()
    suggestion = db.get(LinkSuggestion, suggestion_id)
    if (
        suggestion is None
        or suggestion.state != SuggestionState.APPROVED
        or not suggestion.offer.is_live(date.today())
    ):
        abort(404)
    if not is_safe_url(suggestion.offer.url):
        current_app.logger.warning("offer %r has an unsafe URL; /go/ refused", suggestion.offer.code)
        abort(404)
    if events.record_click(db, suggestion, request.args.get("s", "")):
        db.commit()
    return redirect(suggestion.offer.url, code=302)

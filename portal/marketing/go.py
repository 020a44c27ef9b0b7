"""/go/<id>: count the click, then redirect to the offer's registered URL only."""

from __future__ import annotations

import secrets
from datetime import date

from flask import Blueprint, abort, redirect, session
from flask_login import current_user

from portal.db import get_session
from portal.models import LinkEvent, LinkSuggestion, SuggestionState

bp = Blueprint("go", __name__)


def session_key() -> str:
    """A random per-browser key for anonymous clicks and impressions."""
    if "visitor" not in session:
        session["visitor"] = secrets.token_hex(12)
    return session["visitor"]


@bp.route("/go/<int:suggestion_id>")
def go(suggestion_id: int):
    db = get_session()
    suggestion = db.get(LinkSuggestion, suggestion_id)
    if (
        suggestion is None
        or suggestion.state != SuggestionState.APPROVED
        or not suggestion.offer.is_live(date.today())
    ):
        abort(404)
    db.add(
        LinkEvent(
            suggestion_id=suggestion.id,
            offer_id=suggestion.offer_id,
            article_id=suggestion.article_id,
            kind="click",
            user_id=current_user.id if current_user.is_authenticated else None,
            session_key=session_key(),
        )
    )
    db.commit()
    return redirect(suggestion.offer.url, code=302)

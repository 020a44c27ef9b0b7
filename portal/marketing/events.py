"""What readers did with links: impressions and clicks, counted once per visitor.

A visitor is the logged-in user, else a keyed hash of the IP address and user agent (so fresh
cookie-less sessions from one browser are one visitor), else the browser session. A click
counts only when that visitor was shown that link (same offer in the same article) within
IMPRESSION_MAX_AGE, and at most once per CLICK_WINDOW; the reader is redirected either way.
Impressions are written in batches; until then the link's signature proves them
(portal/marketing/impressions.py).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app, request, session
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
from portal.marketing import impressions
from portal.models import LinkEvent, LinkSuggestion

CLICK_WINDOW = timedelta(minutes=30)
IMPRESSION_MAX_AGE = timedelta(hours=24)


def session_key() -> str:
    """A random per-browser key, kept in the signed session cookie."""
    if "visitor" not in session:
        session["visitor"] = secrets.token_hex(12)
    return session["visitor"]


def anonymous_fingerprint(ip: str, user_agent: str, secret: str) -> str:
    """A keyed hash of IP and user agent: stable per browser, not reversible without the secret."""
    message = f"{ip}\n{user_agent[:512]}".encode("utf-8", errors="replace")
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:40]


def visitor_key() -> str:
    """Who is looking, for counting: 'user:<id>', else 'anon:<hash of IP and UA>', else 'session:<key>'."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    if request.remote_addr:
        user_agent = request.headers.get("User-Agent", "")
        return "anon:" + anonymous_fingerprint(
            request.remote_addr, user_agent, current_app.config["SECRET_KEY"]
        )
    return f"session:{session_key()}"


def _event_row(suggestion: LinkSuggestion, kind: str, visitor: str) -> dict:
    return {
        "created_at": utcnow(),
        "suggestion_id": suggestion.id,
        "offer_id": suggestion.offer_id,
        "article_id": suggestion.article_id,
        "matched_text": suggestion.matched_text,
        "kind": kind,
        "user_id": current_user.id if current_user.is_authenticated else None,
        "session_key": session_key(),
        "visitor": visitor,
    }


def _event(suggestion: LinkSuggestion, kind: str, visitor: str) -> LinkEvent:
    return LinkEvent(**_event_row(suggestion, kind, visitor))


def record_impressions(db: Session, shown: list[LinkSuggestion]) -> str:
    """One impression per link shown to the current visitor, kept in memory and written in batches
    (portal/marketing/impressions.py); returns the visitor key ("" if none shown)."""
    if not shown:
        return ""
    visitor = visitor_key()
    impressions.keep([_event_row(s, "impression", visitor) for s in shown])
    return visitor


def _latest(db: Session, suggestion: LinkSuggestion, visitor: str, kind: str, since) -> int | None:
    return db.scalar(
        select(LinkEvent.id)
        .where(
            LinkEvent.visitor == visitor,
            LinkEvent.offer_id == suggestion.offer_id,
            LinkEvent.article_id == suggestion.article_id,
            LinkEvent.kind == kind,
            LinkEvent.created_at >= since,
        )
        .limit(1)
    )


def was_shown(db: Session, suggestion: LinkSuggestion, visitor: str, proof: str = "") -> bool:
    """True if `visitor` was shown this link within IMPRESSION_MAX_AGE: the page's signature for
    them (`proof`), an impression still in this worker's memory, or a written impression."""
    if proof and impressions.shown_by_signature(
        current_app.config["SECRET_KEY"], suggestion.id, visitor, proof
    ):
        return True
    since = utcnow() - IMPRESSION_MAX_AGE
    if impressions.pending().seen(visitor, suggestion.offer_id, suggestion.article_id, since):
        return True
    return _latest(db, suggestion, visitor, "impression", since) is not None


def click_counts(db: Session, suggestion: LinkSuggestion, visitor: str, proof: str = "") -> bool:
    """True if a click by `visitor` on this link should count: shown to them lately, not clicked lately."""
    if not was_shown(db, suggestion, visitor, proof):
        return False
    return _latest(db, suggestion, visitor, "click", utcnow() - CLICK_WINDOW) is None


def record_click(db: Session, suggestion: LinkSuggestion, proof: str = "") -> bool:
    """Store the current visitor's click on `suggestion` if it counts (`proof`: the signature the
    page gave the link); returns whether it did."""
    visitor = visitor_key()
    if not click_counts(db, suggestion, visitor, proof):
        return False
    db.add(_event(suggestion, "click", visitor))
    return True

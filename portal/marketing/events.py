"""What readers did with links: impressions and clicks, counted once per visitor.

A visitor is the logged-in user, else a keyed hash of the IP address and user agent (so fresh
cookie-less sessions from one browser are one visitor), else the browser session. A click
counts only when that visitor was shown that link (same offer in the same article) within
IMPRESSION_MAX_AGE, and at most once per CLICK_WINDOW; the reader is redirected either way.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app, request, session
from flask_login import current_user
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
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


def record_impressions(db: Session, shown: list[LinkSuggestion]) -> None:
    """One impression per link shown to the current visitor (the caller commits)."""
    if not shown:
        return
    visitor = visitor_key()
    # one INSERT statement for all links, without the unit of work's per-object bookkeeping
    db.execute(insert(LinkEvent), [_event_row(s, "impression", visitor) for s in shown])


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


def click_counts(db: Session, suggestion: LinkSuggestion, visitor: str) -> bool:
    """True if a click by `visitor` on this link should count: shown to them lately, not clicked lately."""
    now = utcnow()
    if _latest(db, suggestion, visitor, "impression", now - IMPRESSION_MAX_AGE) is None:
        return False
    return _latest(db, suggestion, visitor, "click", now - CLICK_WINDOW) is None


def record_click(db: Session, suggestion: LinkSuggestion) -> bool:
    """Store the current visitor's click on `suggestion` if it counts; returns whether it did."""
    visitor = visitor_key()
    if not click_counts(db, suggestion, visitor):
        return False
    db.add(_event(suggestion, "click", visitor))
    return True

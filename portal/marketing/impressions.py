"""Link impressions, kept in memory and written in batches, and signed proof that a link was shown.

Every article page with offer links used to INSERT its impressions (a write transaction per page
view: with two workers on SQLite each reader queued for the write lock). Each worker now keeps
the impression rows, with the time they happened, and writes them in one INSERT, in a
transaction of its own, when due: every PORTAL_IMPRESSION_FLUSH_SECONDS (default 10; 0 writes
every view at once), at MAX_PENDING rows and at worker exit (portal/batches.py). A worker that
is killed loses at most that many seconds of impressions.

A click counts only after an impression (portal/marketing/events.py). An impression still in a
worker's memory is invisible to the other workers and to the database, so the page also signs
each link it shows: `/go/<id>?s=<hour>.<mac>`, an HMAC of the link, the visitor who was shown it
(user, or keyed hash of IP and user agent) and the hour it was shown, under a key of its own
(HMAC(secret key, "go-link-proof"): the raw secret key also signs sessions). The click handler
accepts a valid signature for *this* visitor and link within IMPRESSION_MAX_AGE exactly as it
accepts an impression row: the proof cannot be forged, moved to another link, or used by another
visitor (their visitor key differs), and it expires.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from portal import batches
from portal.models import LinkEvent, LinkSuggestion, Offer, User

SIGNATURE_HOURS = 24  # = events.IMPRESSION_MAX_AGE, in whole hours
PROOF_KEY_PURPOSE = b"go-link-proof"  # the proofs' key is HMAC(secret key, this)


class PendingImpressions(batches.PendingRows):
    """Impression rows not yet written (see portal/batches.py)."""

    def seen(self, visitor: str, offer_id: int, article_id: int, since: datetime) -> bool:
        """True if `visitor` was shown this offer in this article at or after `since` (rows kept here)."""
        return any(
            row["visitor"] == visitor
            and row["offer_id"] == offer_id
            and row["article_id"] == article_id
            and row["created_at"] >= since
            for row in self.snapshot()
        )


def pending(app=None) -> PendingImpressions:
    """This worker's pending impressions, created on first use."""
    return batches.pending("link_impressions", "IMPRESSION_FLUSH_SECONDS", write, PendingImpressions, app)


def keep(rows: list[dict]) -> None:
    """Keep impression `rows` (with their `created_at`); this worker's pending ones are written
    when due, after the response and in a transaction of their own (portal/batches.py)."""
    batches.keep(pending(), rows)


def write(session: Session, rows: list[dict]) -> None:
    """INSERT `rows` in one statement, minus what went away meanwhile (the caller commits).

    The rows name suggestions the page showed, which come from a cache (the approved links of a
    revision, kept up to LINKS_TTL seconds): between the page view and the write a rescan may have
    replaced the suggestion (its id becomes NULL, as the foreign key does for stored events), the
    offer or article may be gone (the row goes, as the cascade would have taken it), or the user
    may have been erased or deactivated (the user id becomes NULL, as erasure does for stored events).
    """
    if not rows:
        return
    suggestions = _existing(session, LinkSuggestion.id, {r["suggestion_id"] for r in rows})
    offers = _existing(session, Offer.id, {r["offer_id"] for r in rows})
    from knowledge_base.models import Article

    articles = _existing(session, Article.id, {r["article_id"] for r in rows})
    users = _existing(session, User.id, {r["user_id"] for r in rows if r["user_id"]}, User.is_active)
    kept = [
        {
            **row,
            "suggestion_id": row["suggestion_id"] if row["suggestion_id"] in suggestions else None,
            "user_id": row["user_id"] if row["user_id"] in users else None,
        }
        for row in rows
        if row["offer_id"] in offers and row["article_id"] in articles
    ]
    if kept:
        session.execute(insert(LinkEvent), kept)


def _existing(session: Session, column, ids: set, *conditions) -> set:
    if not ids:
        return set()
    return set(session.scalars(select(column).where(column.in_(sorted(ids)), *conditions)))


def flush() -> None:
    """Write this worker's pending impressions now, in a transaction of their own (reports, tests)."""
    batches.flush("link_impressions")


def _mac(secret: str, suggestion_id: int, visitor: str, hour: int) -> str:
    # a key of its own, derived from the secret key (which also signs sessions and other tokens)
    key = hmac.new(secret.encode(), PROOF_KEY_PURPOSE, hashlib.sha256).digest()
    message = f"impression\n{suggestion_id}\n{visitor}\n{hour}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def signature(secret: str, suggestion_id: int, visitor: str, now: float | None = None) -> str:
    """Proof that `visitor` was shown link `suggestion_id` this hour: '<hour>.<mac>'."""
    hour = int((time.time() if now is None else now) // 3600)
    return f"{hour}.{_mac(secret, suggestion_id, visitor, hour)}"


def signature_hour(now: float | None = None) -> int:
    """The hour a signature made now carries (part of a page's ETag: the page changes hourly)."""
    return int((time.time() if now is None else now) // 3600)


def shown_by_signature(
    secret: str, suggestion_id: int, visitor: str, value: str, now: float | None = None
) -> bool:
    """True if `value` proves `visitor` was shown `suggestion_id` within the last SIGNATURE_HOURS."""
    hour_text, _, mac = (value or "")[:80].partition(".")
    if not hour_text.isdigit() or not mac:
        return False
    hour = int(hour_text)
    current = int((time.time() if now is None else now) // 3600)
    if not current - SIGNATURE_HOURS < hour <= current:
        return False
    return hmac.compare_digest(mac, _mac(secret, suggestion_id, visitor, hour))


def sign_links(body: str, shown: list[LinkSuggestion], secret: str, visitor: str) -> str:
    """The article `body` with each shown link's `/go/<id>` address carrying its signature."""
    for suggestion in shown:
        plain = f'href="/go/{suggestion.id}"'
        signed = f'href="/go/{suggestion.id}?s={signature(secret, suggestion.id, visitor)}"'
        body = body.replace(plain, signed)
    return body

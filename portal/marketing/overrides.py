"""Marketers' overrides of blocked link suggestions: the rules, the rescan match, statistics, export.

A marketer may link a candidate the linker blocked ("Link anyway") with a written justification.
The override names the decision it overrode (article, offer, matched text, sentence, reason keys),
so it applies again when a rescan makes the same decision, and stops applying when the sentence
changes or the linker finds a reason the marketer never saw.

Some blocks are never overridable (`HARD_CODES`, `HARD_KINDS`):

* the brand-safety floor (``brand-safety``: obscene or hateful words, graphic violence, a term from
  the marketers' own blocklist): the page gets no links at all; a wrong blocklist term is removed
  from the blocklist, not overridden link by link;
* self-harm or suicide, abuse and graphic violence in the paragraph or sentence (``sensitive`` /
  ``context`` kinds ``self_harm``, ``abuse``, ``graphic_violence``), or anywhere on the page (the
  page-level ``document:tragedy`` reason whose ``kinds`` parameter names one of them): no offer
  stands beside them (safe-messaging practice), whatever the justification;
* places where a link cannot stand (``position``: a heading, code, a quotation, a match split by
  formatting);
* candidates the linker never examined (``policy:max links``: the page had reached its cap).

Views stay thin: they call `override`, `revoke`, `reason_stats` and `export_csv` here.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, func, select, update
from sqlalchemy.orm import Session, joinedload

from knowledge_base.db import utcnow
from knowledge_base.errors import FieldError
from knowledge_base.models import Article
from linker.reasons import Reason, reason_key, stored_reason
from portal import audit
from portal.marketing.reasons import explain
from portal.marketing.reports import csv_cell
from portal.models import (
    LinkBlockReason,
    LinkOverride,
    LinkSuggestion,
    SuggestionState,
    User,
)
from portal.webhooks import events as webhooks

#: A justification is at least this long (after collapsing spaces) and at most JUSTIFICATION_MAX.
JUSTIFICATION_MIN = 20
JUSTIFICATION_MAX = 1000

#: Reason codes (families) no override lifts, and the message a marketer reads.
HARD_CODES = {
    "brand-safety": _l(
        "The page is under the brand-safety floor (obscene or hateful words, graphic violence or a term "
        "from your blocklist): it gets no links at all, and no override changes that. If a blocklist "
        "term is wrong, remove it from the blocklist and rescan."
    ),
    "position": _l("A link cannot stand there (a heading, code, a quotation or words split by formatting)."),
    "policy": _l(
        "The page had reached its link limit, so the linker never checked this place; it cannot be linked "
        "by override."
    ),
}
#: (code, kind) pairs no override lifts: topics no offer may stand beside.
HARD_KINDS = {
    (code, kind): _l(
        "Self-harm, suicide, abuse and graphic violence are never overridable: "
        "no offer may stand beside them."
    )
    for code in ("sensitive", "context")
    for kind in ("self_harm", "abuse", "graphic_violence")
}
#: Topics that make a page-level tragedy (``document:tragedy``, parameter ``kinds``) hard.
HARD_TOPICS = frozenset(("self_harm", "abuse", "graphic_violence"))
#: Shown when the page-level tragedy reason of the suggestion names one of HARD_TOPICS.
DOCUMENT_HARD = _l(
    "This page tells of self-harm, suicide, abuse or graphic violence, which is never overridable: "
    "no offer may stand anywhere on it."
)
#: Reason keys whose stored reasons `refusal` reads to see whether another passage of the page is hard.
PAGE_HARD_KEYS = ("document:tragedy", *sorted(f"{code}:{kind}" for code, kind in HARD_KINDS))
#: Shown when another passage of the page holds one of HARD_KINDS or HARD_TOPICS.
PAGE_HARD = _l(
    "Another passage of this page tells of self-harm, suicide, abuse or graphic violence: "
    "no offer may stand anywhere on it."
)
#: Words for reason keys whose plain sentence needs a parameter the key does not hold.
KEY_LABELS = {
    "position:inside": _l("The word is in a place where links never go (heading, code, quotation…)."),
}
#: Columns of the training-data export; the first three are the corpus's (linker/training/corpus).
EXPORT_HEADER = (
    "label",
    "genre",
    "text",
    "lang",
    "overridden_reasons",
    "justification",
    "matched_text",
    "offer",
    "article",
    "overridden_at",
    "status",
)


class OverrideRefused(Exception):
    """The suggestion cannot be overridden; `message` says why in the reader's language."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def reason_keys(reasons: Iterable[Reason | Mapping[str, Any] | str]) -> list[str]:
    """The distinct code:kind keys of stored reasons, in order."""
    return list(dict.fromkeys(reason_key(r)[:80] for r in reasons if reason_key(r)))


def _hard_tragedy(data: Reason) -> bool:
    """True for a page-level tragedy reason that names self-harm, abuse or graphic violence."""
    kinds = data.params.get("kinds") or ()
    return (data.code, data.kind) == ("document", "tragedy") and bool(HARD_TOPICS.intersection(kinds))


def hard_block(reasons: Iterable[Reason | Mapping[str, Any] | str]) -> Any | None:
    """The message of the first reason no override may lift, or None when every reason may be
    (a paragraph's or sentence's own hard topic is named before the page's)."""
    page = None
    for reason in reasons:
        data = stored_reason(reason)
        if data.code in HARD_CODES:
            return HARD_CODES[data.code]
        if (data.code, data.kind) in HARD_KINDS:
            return HARD_KINDS[(data.code, data.kind)]
        if page is None and _hard_tragedy(data):
            page = DOCUMENT_HARD
    return page


def page_hard_block(reasons: Iterable[Reason | Mapping[str, Any] | str]) -> Any | None:
    """PAGE_HARD when any reason given on the page (a Reason, its stored dict or a key) is one of
    HARD_KINDS or a page-level tragedy of HARD_TOPICS, else None."""
    for reason in reasons:
        data = stored_reason(reason)
        if (data.code, data.kind) in HARD_KINDS or _hard_tragedy(data):
            return PAGE_HARD
    return None


def clean_justification(text: str | None) -> str:
    """The justification with spaces collapsed; FieldError("justification") when too short or long."""
    cleaned = re.sub(r"\s+", " ", text or "").strip()
    if len(cleaned) < JUSTIFICATION_MIN:
        raise FieldError(
            _l(
                "Write why this link is right here, in at least %(n)d characters.",
                n=JUSTIFICATION_MIN,
            ),
            "justification",
        )
    if len(cleaned) > JUSTIFICATION_MAX:
        raise FieldError(_l("Use at most %(n)d characters.", n=JUSTIFICATION_MAX), "justification")
    return cleaned


def refusal(session: Session, suggestion: LinkSuggestion) -> Any | None:
    """Why `suggestion` cannot be overridden now (a message), or None when it can."""
    if suggestion.state != SuggestionState.BLOCKED:
        return _l("Only a blocked suggestion can be overridden.")
    article = session.get(Article, suggestion.article_id)
    if article is None or article.published_revision_id != suggestion.revision_id:
        return _l("This suggestion belongs to an older version of the article. Rescan and try again.")
    own = hard_block(suggestion.reasons or [])
    if own is not None:
        return own
    hard_rows = select(LinkBlockReason.suggestion_id).where(LinkBlockReason.reason_key.in_(PAGE_HARD_KEYS))
    page = select(LinkSuggestion.reasons).where(
        LinkSuggestion.revision_id == suggestion.revision_id, LinkSuggestion.id.in_(hard_rows)
    )
    return page_hard_block(reason for reasons in session.scalars(page) for reason in reasons or [])


def override(session: Session, actor: User, suggestion: LinkSuggestion, justification: str) -> LinkOverride:
    """Approve a blocked suggestion on `actor`'s written word. Audited; the caller commits.

    Raises FieldError for a bad justification and OverrideRefused when the block may not be lifted,
    also when another request approved the suggestion meanwhile (the approval is a conditional
    UPDATE: only a row still blocked changes, so two simultaneous posts make one override); the
    caller then rolls back.
    """
    why_not = refusal(session, suggestion)
    if why_not is not None:
        raise OverrideRefused(why_not)
    text = clean_justification(justification)
    now = utcnow()
    record = LinkOverride(
        article_id=suggestion.article_id,
        offer_id=suggestion.offer_id,
        locale=suggestion.locale,
        matched_text=suggestion.matched_text,
        sentence=suggestion.sentence,
        reasons=list(suggestion.reasons or []),
        reason_keys=reason_keys(suggestion.reasons or []),
        justification=text,
        user_id=actor.id,
        created_at=now,
    )
    session.add(record)
    session.flush()
    approved = session.execute(
        update(LinkSuggestion)
        .where(LinkSuggestion.id == suggestion.id, LinkSuggestion.state == SuggestionState.BLOCKED)
        .values(state=SuggestionState.APPROVED, reviewer_id=actor.id, reviewed_at=now, override_id=record.id)
        .execution_options(synchronize_session=False)
    )
    if approved.rowcount != 1:
        raise OverrideRefused(_l("Only a blocked suggestion can be overridden."))
    # the same values on the object: the session sees the change (cache generations, portal/cache_events)
    suggestion.state, suggestion.reviewer_id, suggestion.reviewed_at = SuggestionState.APPROVED, actor.id, now
    suggestion.override_id = record.id
    webhooks.suggestion_approved(session, suggestion)
    audit.record(
        session,
        "suggestion.overridden",
        actor=actor,
        target=str(suggestion.id),
        override=record.id,
        offer=suggestion.offer.code,
        reasons=record.reason_keys,
        justification=text,
    )
    return record


def revoke(session: Session, actor: User, record: LinkOverride, *, state=SuggestionState.BLOCKED) -> int:
    """Revoke an override: the suggestions it approved go back to `state` (blocked). Audited;
    returns how many suggestions changed; the caller commits. Revoking twice changes nothing."""
    if record.revoked_at is not None:
        return 0
    record.revoked_at, record.revoked_by_id = utcnow(), actor.id
    changed = 0
    for suggestion in session.scalars(select(LinkSuggestion).where(LinkSuggestion.override_id == record.id)):
        suggestion.state, suggestion.override_id = state, None
        suggestion.reviewer_id, suggestion.reviewed_at = actor.id, record.revoked_at
        changed += 1
    audit.record(
        session,
        "suggestion.override_revoked",
        actor=actor,
        target=str(record.id),
        offer=record.offer.code,
        suggestions=changed,
    )
    return changed


# --- rescans -------------------------------------------------------------------------------------


def active_overrides(session: Session, article_id: int) -> dict[tuple[int, str, str], LinkOverride]:
    """The article's unrevoked overrides by (offer id, matched text, sentence); the newest wins."""
    rows = session.scalars(
        select(LinkOverride)
        .where(LinkOverride.article_id == article_id, LinkOverride.revoked_at.is_(None))
        .order_by(LinkOverride.id)
    )
    return {(o.offer_id, o.matched_text, o.sentence): o for o in rows}


def applies(record: LinkOverride | None, reasons: Iterable[Reason | Mapping[str, Any] | str]) -> bool:
    """True when `record` covers a block with these reasons (Reasons, stored dicts or keys): there
    is at least one, every key is one the marketer overrode (a new reason was never judged) and
    none is hard (e.g. a blocklist term added since, or a page now telling of self-harm)."""
    if record is None:
        return False
    reasons = list(reasons)
    keys = set(reason_keys(reasons))
    return bool(keys) and keys <= set(record.reason_keys or []) and hard_block(reasons) is None


def block_reason_rows(suggestion: LinkSuggestion) -> list[LinkBlockReason]:
    """The reason-key rows of a blocked suggestion (flushed first, so it has an id)."""
    keys = reason_keys(suggestion.reasons or [])
    return [LinkBlockReason(suggestion_id=suggestion.id, reason_key=key) for key in keys]


# --- statistics ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReasonRow:
    """One line of "Overrides by reason"."""

    key: str
    label: str
    blocked: int
    overridden: int
    last_override: datetime | None
    hard: bool

    @property
    def rate(self) -> float:
        return self.overridden / self.blocked if self.blocked else 0.0


def label(key: str) -> str:
    """A reason key in plain words, in the reader's language (the key itself when unknown)."""
    if key in KEY_LABELS:
        return str(KEY_LABELS[key])
    code, _, kind = key.partition(":")
    why = explain(Reason(code, kind))
    return why.sentence if why.known else key


def _decided_at():
    """When the decision a statistic counts was made: the override, else the linker's (last) scan."""
    return func.coalesce(LinkOverride.created_at, LinkSuggestion.created_at)


def _live_blocked(start: datetime, end: datetime, locale: str = "") -> Select:
    """Blocked-by-the-linker suggestions of live revisions decided in [start, end), with their
    active override (outer join) and reason keys."""
    query = (
        select()
        .select_from(LinkBlockReason)
        .join(LinkSuggestion, LinkSuggestion.id == LinkBlockReason.suggestion_id)
        .join(
            Article,
            and_(
                Article.id == LinkSuggestion.article_id,
                Article.published_revision_id == LinkSuggestion.revision_id,
            ),
        )
        .outerjoin(
            LinkOverride,
            and_(LinkOverride.id == LinkSuggestion.override_id, LinkOverride.revoked_at.is_(None)),
        )
        .where(_decided_at() >= start, _decided_at() < end)
    )
    return query.where(LinkSuggestion.locale == locale) if locale else query


def reason_stats(session: Session, start: datetime, end: datetime, locale: str = "") -> list[ReasonRow]:
    """Per reason key: blocked suggestions, overridden ones, the rate and the last override, over
    live revisions in the period (one aggregate query), most overridden first."""
    query = (
        _live_blocked(start, end, locale)
        .add_columns(
            LinkBlockReason.reason_key,
            func.count(LinkSuggestion.id),
            func.count(LinkOverride.id),
            func.max(LinkOverride.created_at),
        )
        .group_by(LinkBlockReason.reason_key)
    )
    rows = [
        ReasonRow(key, label(key), blocked, overridden, last, hard_block([key]) is not None)
        for key, blocked, overridden, last in session.execute(query)
    ]
    return sorted(rows, key=lambda r: (-r.overridden, -r.blocked, r.key))


def overridden_items(
    session: Session, start: datetime, end: datetime, locale: str = "", reason: str = "", limit: int = 200
) -> list[LinkOverride]:
    """Overrides made in the period (newest first); with `reason`, only those that apply now to a
    suggestion blocked for it (the items behind that line of `reason_stats`)."""
    query = (
        select(LinkOverride)
        .options(
            joinedload(LinkOverride.article), joinedload(LinkOverride.offer), joinedload(LinkOverride.user)
        )
        .where(LinkOverride.created_at >= start, LinkOverride.created_at < end)
        .order_by(LinkOverride.created_at.desc(), LinkOverride.id.desc())
        .limit(limit)
    )
    if locale:
        query = query.where(LinkOverride.locale == locale)
    if reason:
        current = _live_blocked(start, end, locale).add_columns(LinkOverride.id)
        query = query.where(LinkOverride.id.in_(current.where(LinkBlockReason.reason_key == reason)))
    return list(session.scalars(query).unique())


def applied_to(session: Session, ids: list[int]) -> dict[int, LinkSuggestion]:
    """The live suggestion each override approves now (overrides that no longer apply are absent)."""
    if not ids:
        return {}
    rows = session.scalars(
        select(LinkSuggestion)
        .join(
            Article,
            and_(
                Article.id == LinkSuggestion.article_id,
                Article.published_revision_id == LinkSuggestion.revision_id,
            ),
        )
        .where(LinkSuggestion.override_id.in_(ids))
    )
    return {s.override_id: s for s in rows if s.override_id is not None}


# --- training data -------------------------------------------------------------------------------


def export_rows(session: Session, *, locale: str = "", include_revoked: bool = False) -> Iterable[list[Any]]:
    """Overrides as training rows (EXPORT_HEADER): the label is left for a person to give."""
    query = (
        select(LinkOverride)
        .options(joinedload(LinkOverride.article), joinedload(LinkOverride.offer))
        .order_by(LinkOverride.locale, LinkOverride.id)
    )
    if locale:
        query = query.where(LinkOverride.locale == locale)
    if not include_revoked:
        query = query.where(LinkOverride.revoked_at.is_(None))
    for record in session.scalars(query).yield_per(500):
        yield [
            "",
            "support_article",
            record.sentence,
            record.locale,
            " ".join(record.reason_keys or []),
            record.justification,
            record.matched_text,
            record.offer.code,
            record.article.slug,
            record.created_at.isoformat(timespec="seconds"),
            "active" if record.active else "revoked",
        ]


def export_csv(session: Session, **options: Any) -> str:
    """`export_rows` as CSV, every text cell escaped against spreadsheet formulas."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADER)
    for row in export_rows(session, **options):
        writer.writerow([csv_cell(cell) for cell in row])
    return out.getvalue()

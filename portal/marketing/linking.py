"""The linker in the portal: built once per change of offers, suggestions from published
revisions, and which approved links a given reader may see."""

from __future__ import annotations

import functools
import html
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from flask import Flask, current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from knowledge_base.db import utcnow
from knowledge_base.locales import LOCALES
from knowledge_base.models import Article, ArticleStatus
from linker import Linker, Policy
from linker.html import insert_links, parse_html
from linker.result import Link
from portal import audit
from portal.cache import cache, generation
from portal.customers import segments
from portal.marketing import overrides
from portal.models import (
    BlockTerm,
    LinkSuggestion,
    Offer,
    OfferStatus,
    Product,
    RequestStatus,
    Role,
    ServiceRequest,
    SuggestionState,
    User,
)
from portal.webhooks import events as webhooks

SUGGESTION_POLICY = Policy(max_links=10)  # marketers review more candidates than a page shows
LINKS_PER_PAGE = 3
#: The cache generation of approved link sets (bumped on commits that change suggestions or offers).
LINKS_GENERATION = "links"  # = portal.cache_events.LINKS
#: Seconds an in-process entry of a revision's approved links lives (other workers' reviews).
LINKS_TTL = 30


def _fingerprint(session: Session) -> tuple:
    offers = session.execute(select(func.count(Offer.id), func.max(Offer.updated_at))).one()
    terms = session.execute(select(func.count(BlockTerm.id), func.max(BlockTerm.id))).one()
    return (*offers, *terms)


def linker_for(session: Session, app: Flask | None = None) -> tuple[Linker, dict[str, Offer]]:
    """The app's Linker for the active offers and blocklist, rebuilt only when they change."""
    app = app or current_app
    fingerprint = _fingerprint(session)
    cached = app.extensions.get("linker")
    if cached is not None and cached[0] == fingerprint:
        return cached[1], {o.code: o for o in session.scalars(select(Offer))}
    offers = list(session.scalars(select(Offer).where(Offer.status == OfferStatus.ACTIVE)))
    block: dict[str, list[str]] = {}
    for term in session.scalars(select(BlockTerm)):
        block.setdefault(term.locale, []).append(term.term)
    linker = Linker(
        [o.to_linker() for o in offers],
        SUGGESTION_POLICY,
        languages=LOCALES,
        block_terms=block,
    )
    app.extensions["linker"] = (fingerprint, linker)
    return linker, {o.code: o for o in session.scalars(select(Offer))}


def scan_article(session: Session, article: Article, app: Flask | None = None) -> list[LinkSuggestion]:
    """Store every candidate of the published revision; earlier decisions carry over when the
    sentence is unchanged, otherwise a suggestion starts pending. A blocked candidate a marketer
    overrode (same offer, matched text and sentence; no new reason) is approved again, and that
    approval is audited and sent to webhooks as a manual one is (the suggestion is a new row)."""
    revision = article.published_revision
    if revision is None or article.status != ArticleStatus.PUBLISHED:
        return []
    linker, offers = linker_for(session, app)
    previous = {
        (s.offer_id, s.sentence): s
        for s in session.scalars(
            select(LinkSuggestion)
            .where(LinkSuggestion.article_id == article.id)
            .order_by(LinkSuggestion.id)
            .execution_options(populate_existing=True)  # decisions may come from other sessions
        )
        if s.state in (SuggestionState.APPROVED, SuggestionState.REJECTED)
    }
    overridden = overrides.active_overrides(session, article.id)  # marketers' "link anyway" decisions
    # queried before the deletes below: an autoflush between them would let new rows reuse their ids
    for old in session.scalars(select(LinkSuggestion).where(LinkSuggestion.revision_id == revision.id)):
        session.delete(old)
    result = linker.scan_html(article.body_html, lang=article.locale, time_budget=120.0, title=article.title)
    created, flags = [], []
    if overrides.page_hard_block(reason for item in result.blocked for reason in item.reasons) is not None:
        overridden = {}  # self-harm, abuse or graphic violence on the page: no override applies
    for item, blocked in [(link, False) for link in result.links] + [(b, True) for b in result.blocked]:
        offer = offers.get(item.offer)
        if offer is None:
            continue
        flags.append(blocked)
        suggestion = LinkSuggestion(
            article_id=article.id,
            revision_id=revision.id,
            offer_id=offer.id,
            locale=article.locale,
            matched_text=item.text[:200],
            start=item.start,
            end=item.end,
            sentence=item.sentence,
            reasons=[reason.to_dict() for reason in item.reasons],
        )
        earlier = previous.get((offer.id, item.sentence))
        if blocked:
            suggestion.state = SuggestionState.BLOCKED
            marketer = overridden.get((offer.id, suggestion.matched_text, item.sentence))
            if overrides.applies(marketer, item.reasons):
                suggestion.state, suggestion.override_id = SuggestionState.APPROVED, marketer.id
                suggestion.reviewer_id, suggestion.reviewed_at = marketer.user_id, marketer.created_at
        elif earlier is not None:
            suggestion.state, suggestion.reviewer_id = earlier.state, earlier.reviewer_id
            suggestion.reviewed_at = earlier.reviewed_at
        session.add(suggestion)
        created.append(suggestion)
    session.flush()
    for suggestion, blocked in zip(created, flags, strict=True):
        if blocked:  # the reason keys, as rows, for the aggregate "Overrides by reason" report
            session.add_all(overrides.block_reason_rows(suggestion))
        if suggestion.override_id is not None:
            _reapproved(session, suggestion)
    session.flush()
    return created


def _reapproved(session: Session, suggestion: LinkSuggestion) -> None:
    """Audit and announce an approval a rescan made through a marketer's override (no one acted
    now: the actor is empty, the override and its author are in the details)."""
    webhooks.suggestion_approved(session, suggestion)
    audit.record(
        session,
        "suggestion.approved",
        target=str(suggestion.id),
        offer=suggestion.offer.code,
        override=suggestion.override_id,
        reviewer=suggestion.reviewer_id,
        by="rescan",
    )


def rescan(
    session: Session,
    *,
    article_slug: str = "",
    offer_code: str = "",
    progress: Callable[[Article], None] | None = None,
) -> int:
    """Scan published articles again (after offers or blocklists changed); returns how many
    suggestions were stored (only those of `offer_code`, if given)."""
    query = select(Article).where(Article.status == ArticleStatus.PUBLISHED)
    if article_slug:
        query = query.where(Article.slug == article_slug)
    stored = 0
    for article in session.scalars(query).all():
        suggestions = scan_article(session, article)
        stored += sum(1 for s in suggestions if not offer_code or s.offer.code == offer_code)
        if progress:
            progress(article)
    return stored


@dataclass(frozen=True)
class CachedOffer:
    """What an article page needs of an offer (cached with the approved links of a revision)."""

    id: int
    code: str
    url: str
    product_kind: str
    segments: tuple[str, ...]
    status: OfferStatus
    active_from: date | None
    active_until: date | None

    is_live = Offer.is_live  # the same rule as the model's


@dataclass(frozen=True)
class ApprovedLink:
    """An approved suggestion as the article page uses it (read-only, from the cache)."""

    id: int
    article_id: int
    revision_id: int
    offer_id: int
    matched_text: str
    start: int
    end: int
    state: SuggestionState
    offer: CachedOffer


def _link_to_json(suggestion: LinkSuggestion) -> dict:
    offer = suggestion.offer
    return {
        "id": suggestion.id,
        "article_id": suggestion.article_id,
        "revision_id": suggestion.revision_id,
        "offer_id": suggestion.offer_id,
        "matched_text": suggestion.matched_text,
        "start": suggestion.start,
        "end": suggestion.end,
        "state": suggestion.state.value,
        "offer": {
            "id": offer.id,
            "code": offer.code,
            "url": offer.url,
            "product_kind": offer.product_kind or "",
            "segments": list(offer.segments or []),
            "status": offer.status.value,
            "active_from": offer.active_from.isoformat() if offer.active_from else None,
            "active_until": offer.active_until.isoformat() if offer.active_until else None,
        },
    }


def _link_from_json(item: dict) -> ApprovedLink:
    offer = item["offer"]
    return ApprovedLink(
        id=item["id"],
        article_id=item["article_id"],
        revision_id=item["revision_id"],
        offer_id=item["offer_id"],
        matched_text=item["matched_text"],
        start=item["start"],
        end=item["end"],
        state=SuggestionState(item["state"]),
        offer=CachedOffer(
            id=offer["id"],
            code=offer["code"],
            url=offer["url"],
            product_kind=offer["product_kind"],
            segments=tuple(offer["segments"]),
            status=OfferStatus(offer["status"]),
            active_from=date.fromisoformat(offer["active_from"]) if offer["active_from"] else None,
            active_until=date.fromisoformat(offer["active_until"]) if offer["active_until"] else None,
        ),
    )


def approved_links(session: Session, revision_id: int) -> list[ApprovedLink]:
    """The approved suggestions of a revision with their offers, by position: cached per revision
    and `links` generation (bumped by any commit that changes suggestions or offers, see
    portal/cache_events.py). In-process caches are per worker: entries also expire after
    LINKS_TTL seconds, so another worker's review reaches this one within that time.
    """
    key = f"shopkeeper:approved-links:{revision_id}:{generation(LINKS_GENERATION)}"
    store = cache()
    cached = store.get(key)
    if cached is None:
        rows = session.scalars(
            select(LinkSuggestion)
            .where(
                LinkSuggestion.revision_id == revision_id,
                LinkSuggestion.state == SuggestionState.APPROVED,
            )
            .options(joinedload(LinkSuggestion.offer))  # one query, not one per link
            .order_by(LinkSuggestion.start, LinkSuggestion.id)
        ).all()
        cached = json.dumps([_link_to_json(row) for row in rows])
        store.set(key, cached, ttl=LINKS_TTL)
    return [_link_from_json(item) for item in json.loads(cached)]


def suppressed_product_kinds(session: Session, customer: User, days: int) -> set[str]:
    """Product kinds the customer has an open, or recently resolved, request about."""
    since = utcnow() - timedelta(days=days)
    rows = session.scalars(
        select(Product.kind)
        .join(ServiceRequest, ServiceRequest.product_id == Product.id)
        .where(
            ServiceRequest.customer_id == customer.id,
            or_(
                ServiceRequest.status.in_(
                    [RequestStatus.NEW, RequestStatus.OPEN, RequestStatus.WAITING_ON_CUSTOMER]
                ),
                ServiceRequest.resolved_at >= since,
            ),
        )
    )
    return set(rows)


def visible_suggestions(
    session: Session, article: Article, viewer: User | None, config
) -> list[ApprovedLink]:
    """Approved links of the live revision that this reader may see (at most LINKS_PER_PAGE)."""
    if article.published_revision_id is None:
        return []
    if viewer is None and not config["ANONYMOUS_OFFER_LINKS"]:
        return []
    if viewer is not None and viewer.role == Role.CUSTOMER and not viewer.marketing_consent:
        return []
    approved = approved_links(session, article.published_revision_id)
    suppressed: set[str] = set()
    if viewer is not None and any(s.offer.product_kind for s in approved):  # most articles: no query
        suppressed = suppressed_product_kinds(session, viewer, config["OFFER_SUPPRESSION_DAYS"])
    today = date.today()
    viewer_segments = functools.cache(lambda user: segments.names_for(session, user, utcnow()))
    shown: list[LinkSuggestion] = []
    for suggestion in approved:
        offer = suggestion.offer
        if not offer.is_live(today) or (offer.product_kind and offer.product_kind in suppressed):
            continue
        if viewer is not None and offer.segments and not viewer_segments(viewer) & set(offer.segments):
            continue
        if any(s.offer_id == offer.id for s in shown):
            continue
        shown.append(suggestion)
        if len(shown) == LINKS_PER_PAGE:
            break
    return shown


def render_with_links(article: Article, suggestions: list[LinkSuggestion], *, preview: bool = False) -> str:
    """The article HTML with the given suggestions as links through /go/<id> (cached per link set)."""
    if not suggestions:
        return article.body_html
    from flask_babel import get_locale

    states = ",".join(f"{s.id}:{s.state.value}" for s in suggestions)
    key = f"shopkeeper:links:{article.published_revision_id}:{states}:{int(preview)}:{get_locale()}"
    store = cache()
    cached = store.get(key)
    if cached is not None:
        return cached
    from flask_babel import gettext as _

    by_id = {str(s.id): s for s in suggestions}
    links = [Link(str(s.id), s.start, s.end, s.matched_text) for s in suggestions]
    offers = {str(s.id): _as_linker_offer(s) for s in suggestions}
    label = html.escape(_("sponsored"))

    def inside(link, _offer):
        state = by_id[link.offer].state
        mark = label if not preview else html.escape(state.value)
        return f'<span class="sponsored-mark"> ({mark})</span>'

    def attrs(link, _offer):
        return f'data-state="{by_id[link.offer].state.value}"' if preview else ""

    rendered = insert_links(
        parse_html(article.body_html),
        links,
        offers,
        href=lambda link, _o: f"/go/{link.offer}",
        inside_html=inside,
        attributes=attrs,
    )
    store.set(key, rendered)
    return rendered


def _as_linker_offer(suggestion: LinkSuggestion):
    from linker import Offer as LinkerOffer

    return LinkerOffer(id=suggestion.offer.code, url=suggestion.offer.url, phrases={"en": ("x",)})

"""Offer rules: parsing the form, validating with the linker's own rules, import and export."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from linker import Offer as LinkerOffer
from linker import OfferError
from portal.models import Offer, OfferStatus


class OfferInputError(ValueError):
    def __init__(self, message: str, field: str = "code") -> None:
        super().__init__(message)
        self.message, self.field = message, field


def parse_language_lines(text: str, field: str) -> dict[str, list[str]]:
    """'en: washing machine, washer' per line -> {'en': ['washing machine', 'washer']}."""
    result: dict[str, list[str]] = {}
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        lang, sep, words = line.partition(":")
        if not sep:
            raise OfferInputError(
                f"Write each line as 'en: word, other word' ({line.strip()[:40]!r}).", field
            )
        items = [w.strip() for w in words.split(",") if w.strip()]
        if items:
            result.setdefault(lang.strip().lower(), []).extend(items)
    return result


def format_language_lines(value: dict[str, list[str]]) -> str:
    return "\n".join(f"{lang}: {', '.join(words)}" for lang, words in (value or {}).items())


def validate(data: dict) -> None:
    """The linker's own validation: the same rules as `linker scan --offers`."""
    try:
        LinkerOffer.from_dict(data)
    except OfferError as exc:
        field = exc.field.split(".")[0]
        raise OfferInputError(
            exc.problem,
            field if field in ("url", "phrases", "require_context", "exclude_context") else "code",
        ) from exc


def save_offer(
    session: Session,
    offer: Offer | None,
    *,
    code: str,
    title: str,
    url: str,
    phrases: dict,
    require_context: dict,
    exclude_context: dict,
    segments: list[str],
    product_kind: str,
    active_from: date | None,
    active_until: date | None,
) -> Offer:
    """Create or update an offer after validating it."""
    code = code.strip()
    data = {
        "id": code,
        "title": title.strip() or code,
        "url": url.strip(),
        "phrases": phrases,
        "require_context": require_context or None,
        "exclude_context": exclude_context or None,
    }
    validate({k: v for k, v in data.items() if v is not None})
    if active_from and active_until and active_until < active_from:
        raise OfferInputError("The offer must end after it starts.", "active_until")
    clash = session.scalar(select(Offer).where(Offer.code == code))
    if clash is not None and clash is not offer:
        raise OfferInputError("Another offer already uses this id.", "code")
    offer = offer or Offer(code=code)
    offer.code, offer.title, offer.url = code, data["title"], data["url"]
    offer.phrases, offer.require_context, offer.exclude_context = phrases, require_context, exclude_context
    offer.segments, offer.product_kind = segments, product_kind.strip()
    offer.active_from, offer.active_until = active_from, active_until
    session.add(offer)
    session.flush()
    return offer


def import_offers(session: Session, text: str) -> tuple[int, int]:
    """Import an OFFERS.json list (extra keys: segments, product_kind, status); returns (created, updated)."""
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise OfferInputError(f"The file is not valid JSON: {exc.msg} (line {exc.lineno}).", "file") from exc
    if not isinstance(items, list):
        raise OfferInputError("The file must contain a JSON list of offers.", "file")
    created = updated = 0
    for item in items:
        if not isinstance(item, dict):
            raise OfferInputError("Each offer must be a JSON object.", "file")
        existing = session.scalar(select(Offer).where(Offer.code == str(item.get("id", ""))))
        try:
            offer = save_offer(
                session,
                existing,
                code=str(item.get("id", "")),
                title=str(item.get("title", "")),
                url=str(item.get("url", "")),
                phrases=item.get("phrases") or {},
                require_context=item.get("require_context") or {},
                exclude_context=item.get("exclude_context") or {},
                segments=list(item.get("segments", [])),
                product_kind=str(item.get("product_kind", "")),
                active_from=None,
                active_until=None,
            )
        except OfferInputError as exc:
            raise OfferInputError(f"Offer {item.get('id')!r}: {exc.message}", "file") from exc
        if item.get("status") in {s.value for s in OfferStatus}:
            offer.status = OfferStatus(item["status"])
        created += existing is None
        updated += existing is not None
    return created, updated


def export_offers(session: Session) -> str:
    """All offers in the linker's OFFERS.json format (plus segments, product_kind and status)."""
    out = []
    for offer in session.scalars(select(Offer).order_by(Offer.code)):
        item = offer.to_linker()
        item.update(
            {"segments": offer.segments, "product_kind": offer.product_kind, "status": offer.status.value}
        )
        out.append(item)
    return json.dumps(out, ensure_ascii=False, indent=1)

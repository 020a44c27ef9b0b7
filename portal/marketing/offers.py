"""Offer rules: parsing the form, validating with the linker's own rules plus the portal's
bounds (slug ids, strict URLs, field lengths), import and export."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.errors import FieldError
from linker import Offer as LinkerOffer
from linker import OfferError
from portal.models import Offer, OfferStatus

#: Offer ids (the linker's offer id, stored as `Offer.code`): a URL- and CSV-safe slug.
CODE_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
MAX_TITLE = 160
MAX_URL = 500
MAX_PHRASE = 100
MAX_PHRASES = 200  # per language and list
MAX_SEGMENT = 40
MAX_SEGMENTS = 20
MAX_PRODUCT_KIND = 60


def check_code(code: str) -> str:
    """`code` if it is a slug of 1-64 characters: a-z, 0-9 and hyphens, not starting with a hyphen."""
    if not CODE_RE.fullmatch(code):
        raise FieldError(
            _l("Use 1 to 64 lowercase letters, digits and hyphens for the offer id (e.g. washing-machine)."),
            "code",
        )
    return code


def _has_control_or_space(text: str) -> bool:
    """True if `text` has whitespace, control, format or separator characters (CR, LF, NUL, U+2028)."""
    return any(ch.isspace() or unicodedata.category(ch)[0] in "CZ" for ch in text)


def check_url(url: str) -> str:
    """`url` if it is an http(s) URL with a host, no credentials, no whitespace or control
    characters and at most MAX_URL characters; FieldError("url") otherwise."""
    if len(url) > MAX_URL:
        raise FieldError(_l("The URL may have at most %(n)d characters.", n=MAX_URL), "url")
    bad = FieldError(_l("Enter an http(s) URL with a host name and no spaces or control characters."), "url")
    if _has_control_or_space(url):
        raise bad
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        raise bad from None
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
        raise bad
    if parts.username is not None or parts.password is not None:
        raise bad
    return url


def is_safe_url(url: str) -> bool:
    """True if a stored offer URL may be sent in a redirect (it passes `check_url`)."""
    try:
        check_url(url)
    except FieldError:
        return False
    return True


def _check_length(value: str, limit: int, field: str) -> str:
    if len(value) > limit:
        raise FieldError(_l("Use at most %(n)d characters.", n=limit), field)
    return value


def _check_language_lists(value: Any, field: str) -> dict[str, list[str]]:
    """Word lists per language: the linker checks the languages; here only sizes and types."""
    if not isinstance(value, dict):
        raise FieldError(_l("Give the words as lists per language."), field)
    for words in value.values():
        if not isinstance(words, list) or len(words) > MAX_PHRASES:
            raise FieldError(_l("Give at most %(n)d words per language.", n=MAX_PHRASES), field)
        for word in words:
            if not isinstance(word, str):
                raise FieldError(_l("Give the words as lists per language."), field)
            if len(word) > MAX_PHRASE:
                raise FieldError(
                    _l("Each word or phrase may have at most %(n)d characters.", n=MAX_PHRASE), field
                )
    return value


def check_segments(segments: Any) -> list[str]:
    """Target segments: a list of at most MAX_SEGMENTS short strings."""
    if not isinstance(segments, list) or not all(isinstance(s, str) for s in segments):
        raise FieldError(_l("Give the segments as a list of names."), "segments")
    if len(segments) > MAX_SEGMENTS:
        raise FieldError(_l("Give at most %(n)d segments.", n=MAX_SEGMENTS), "segments")
    for segment in segments:
        if len(segment) > MAX_SEGMENT:
            raise FieldError(
                _l("Each segment name may have at most %(n)d characters.", n=MAX_SEGMENT), "segments"
            )
    return segments


def parse_language_lines(text: str, field: str) -> dict[str, list[str]]:
    """'en: washing machine, washer' per line -> {'en': ['washing machine', 'washer']}."""
    result: dict[str, list[str]] = {}
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        lang, sep, words = line.partition(":")
        if not sep:
            raise FieldError(
                _l("Write each line as 'en: word, other word' (%(line)s).", line=repr(line.strip()[:40])),
                field,
            )
        items = [w.strip() for w in words.split(",") if w.strip()]
        if items:
            result.setdefault(lang.strip().lower()[:20], []).extend(items)
    return result


def format_language_lines(value: dict[str, list[str]]) -> str:
    """The form's text for word lists per language."""
    return "\n".join(f"{lang}: {', '.join(words)}" for lang, words in (value or {}).items())


def validate(data: dict) -> None:
    """The linker's own validation: the same rules as `linker scan --offers`."""
    try:
        LinkerOffer.from_dict(data)
    except OfferError as exc:
        field = exc.field.split(".")[0]
        raise FieldError(
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
    """Create or update an offer after validating it (FieldError names the field to blame)."""
    code = check_code(code.strip())
    data = {
        "id": code,
        "title": _check_length(title.strip() or code, MAX_TITLE, "title"),
        "url": check_url(url.strip()),
        "phrases": _check_language_lists(phrases, "phrases"),
        "require_context": _check_language_lists(require_context, "require_context") or None,
        "exclude_context": _check_language_lists(exclude_context, "exclude_context") or None,
    }
    segments = check_segments(segments)
    product_kind = _check_length(product_kind.strip(), MAX_PRODUCT_KIND, "product_kind")
    validate({k: v for k, v in data.items() if v is not None})
    if active_from and active_until and active_until < active_from:
        raise FieldError(_l("The offer must end after it starts."), "active_until")
    clash = session.scalar(select(Offer).where(Offer.code == code))
    if clash is not None and clash is not offer:
        raise FieldError(_l("Another offer already uses this id."), "code")
    offer = offer or Offer(code=code)
    offer.code, offer.title, offer.url = code, data["title"], data["url"]
    offer.phrases, offer.require_context, offer.exclude_context = phrases, require_context, exclude_context
    offer.segments, offer.product_kind = segments, product_kind
    offer.active_from, offer.active_until = active_from, active_until
    session.add(offer)
    session.flush()
    return offer


def _text(item: dict, key: str) -> str:
    """A string field of an imported offer (missing: empty); other types are errors."""
    value = item.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FieldError(_l("This field must be a string."), key)
    return value


def import_offers(session: Session, text: str) -> tuple[int, int]:
    """Import an OFFERS.json list (extra keys: segments, product_kind, status); returns (created, updated).

    All or nothing: the first bad offer raises FieldError("file") naming its position and id.
    """
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FieldError(
            _l("The file is not valid JSON: %(msg)s (line %(line)d).", msg=exc.msg, line=exc.lineno), "file"
        ) from exc
    if not isinstance(items, list):
        raise FieldError(_l("The file must contain a JSON list of offers."), "file")
    created = updated = 0
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise FieldError(_l("Offer %(n)d: each offer must be a JSON object.", n=position), "file")
        name = repr(str(item.get("id", ""))[:80])
        try:
            code = check_code(_text(item, "id").strip())
            existing = session.scalar(select(Offer).where(Offer.code == code))
            offer = save_offer(
                session,
                existing,
                code=code,
                title=_text(item, "title"),
                url=_text(item, "url"),
                phrases=item.get("phrases") or {},
                require_context=item.get("require_context") or {},
                exclude_context=item.get("exclude_context") or {},
                segments=item.get("segments") or [],
                product_kind=_text(item, "product_kind"),
                active_from=None,
                active_until=None,
            )
        except FieldError as exc:
            raise FieldError(
                _l(
                    "Offer %(n)d (%(id)s), %(field)s: %(problem)s",
                    n=position,
                    id=name,
                    field=exc.field or "id",
                    problem=exc.message,
                ),
                "file",
            ) from exc
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

"""Offers and the linking policy: validated data, no behaviour."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from linker.errors import OfferError, OffersFileError
from linker.lemmas import SUPPORTED_LANGUAGES


@dataclass(frozen=True)
class Offer:
    """Something we sell, and the words that may link to it."""

    id: str
    url: str
    phrases: Mapping[str, tuple[str, ...]]
    title: str = ""
    require_context: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    exclude_context: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Any, position: int = 0) -> Offer:
        """Validate one offer of an OFFERS.json list; errors name the offer and the field."""
        if not isinstance(data, Mapping):
            raise OfferError(f"#{position}", "(offer)", "must be an object")
        offer_id = data.get("id")
        if not isinstance(offer_id, str) or not offer_id.strip():
            raise OfferError(f"#{position}", "id", "must be a non-empty string")
        url = data.get("url")
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise OfferError(offer_id, "url", "must be an absolute http(s) URL")
        title = data.get("title", offer_id)
        if not isinstance(title, str):
            raise OfferError(offer_id, "title", "must be a string")
        phrases = _language_lists(offer_id, "phrases", data.get("phrases"), required=True)
        if not any(phrases.values()):
            raise OfferError(offer_id, "phrases", "needs at least one phrase")
        return cls(
            id=offer_id,
            url=url,
            title=title,
            phrases=phrases,
            require_context=_language_lists(offer_id, "require_context", data.get("require_context")),
            exclude_context=_language_lists(offer_id, "exclude_context", data.get("exclude_context")),
        )

    def to_dict(self) -> dict[str, Any]:
        """The OFFERS.json form of this offer."""
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "phrases": {k: list(v) for k, v in self.phrases.items()},
        }
        for name in ("require_context", "exclude_context"):
            value = getattr(self, name)
            if value:
                out[name] = {k: list(v) for k, v in value.items()}
        return out


def _language_lists(
    offer_id: str, name: str, value: Any, required: bool = False
) -> dict[str, tuple[str, ...]]:
    if value is None and not required:
        return {}
    if not isinstance(value, Mapping):
        raise OfferError(offer_id, name, "must be an object mapping a language code to a list of strings")
    result = {}
    for lang, items in value.items():
        if lang not in SUPPORTED_LANGUAGES:
            raise OfferError(
                offer_id,
                f"{name}.{lang}",
                f"unsupported language (use one of {', '.join(SUPPORTED_LANGUAGES)})",
            )
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            raise OfferError(offer_id, f"{name}.{lang}", "must be a list of non-empty strings")
        result[lang] = tuple(i.strip() for i in items)
    return result


def parse_offers(data: Any) -> list[Offer]:
    """Validate a decoded OFFERS.json document (a list of offers with unique ids)."""
    if not isinstance(data, list):
        raise OffersFileError("the offers file must contain a JSON list of offers")
    offers, seen = [], set()
    for position, item in enumerate(data):
        offer = Offer.from_dict(item, position)
        if offer.id in seen:
            raise OfferError(offer.id, "id", "is used by more than one offer")
        seen.add(offer.id)
        offers.append(offer)
    return offers


def load_offers(path: str | Path) -> list[Offer]:
    """Read and validate an OFFERS.json file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise OffersFileError(f"cannot read offers file {path}: {exc.strerror}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise OffersFileError(f"offers file {path} is not valid JSON: {exc}") from exc
    return parse_offers(data)


ALL_CHECKS = (
    "brand_safety",
    "tragedy",
    "sensitive_topic",
    "position",
    "sense",
    "negation",
    "complaint",
    "context_model",
)


@dataclass(frozen=True)
class Policy:
    """How many links a document may get, and which checks run."""

    max_links: int = 3
    one_per_offer: bool = True
    checks: tuple[str, ...] = ALL_CHECKS
    weak_terms_to_flag: int = 2
    frame_window: int = 60
    nlp_window: int = 600

    def __post_init__(self) -> None:
        unknown = set(self.checks) - set(ALL_CHECKS)
        if unknown:
            raise ValueError(f"unknown checks: {', '.join(sorted(unknown))}")
        if self.max_links < 0:
            raise ValueError("max_links must be >= 0")


def offers_from(items: Iterable[Offer | Mapping[str, Any]]) -> list[Offer]:
    """Accept Offer objects or OFFERS.json dicts."""
    return [item if isinstance(item, Offer) else Offer.from_dict(item, i) for i, item in enumerate(items)]

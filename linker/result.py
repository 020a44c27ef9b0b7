"""What a scan returns: links made and candidates blocked, each with its reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from linker.reasons import Reason


class _Decision:
    """The JSON form shared by links and blocked candidates: `reasons` in their one-line code form
    (as before), `evidence` as data (code, kind, words, params, check)."""

    offer: str
    start: int
    end: int
    text: str
    sentence: str
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "offer": self.offer,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "sentence": self.sentence,
            "reasons": [str(reason) for reason in self.reasons],
            "evidence": [reason.to_dict() for reason in self.reasons],
        }


@dataclass(frozen=True)
class Link(_Decision):
    """A link the linker would make."""

    offer: str
    start: int
    end: int
    text: str
    sentence: str = ""
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class Blocked(_Decision):
    """A candidate the linker refused, and why."""

    offer: str
    start: int
    end: int
    text: str
    reasons: tuple[Reason, ...]
    sentence: str = ""


@dataclass
class ScanResult:
    """The outcome of scanning one document."""

    lang: str | None
    links: list[Link] = field(default_factory=list)
    blocked: list[Blocked] = field(default_factory=list)
    html: str | None = None
    warnings: list[str] = field(default_factory=list)
    truncated: bool = False  # the time budget ran out before the end of the document

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "lang": self.lang,
            "links": [link.to_dict() for link in self.links],
            "blocked": [b.to_dict() for b in self.blocked],
        }
        if self.html is not None:
            out["html"] = self.html
        if self.truncated:
            out["truncated"] = True
        if self.warnings:
            out["warnings"] = list(self.warnings)
        return out

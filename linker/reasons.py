"""Evidence as data: why the linker linked or blocked a candidate.

A `Reason` carries a code (the family: ``sensitive``, ``negation``, ``complaint``, ``sense``,
``position``, ``context``, ``document``, ``brand-safety``, ``policy``, ``match``, ``checks``), a kind
within that family (a topic, a zone, ``rejects``…), the words that weighed most, parameters, and the
check that gave it. Readers render it from these fields; `text` is the one-line code form that the
command line prints and that older stored suggestions hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Reason:
    """One piece of evidence behind a decision."""

    code: str
    kind: str = ""
    words: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    check: str = ""
    text: str = ""  # the code form, e.g. "sensitive:crime_violence (knife)"

    def __str__(self) -> str:
        return self.text or f"{self.code}:{self.kind}"

    @property
    def key(self) -> str:
        """What reports count reasons by: the code and kind, without the words."""
        return f"{self.code}:{self.kind}" if self.kind else self.code

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (stored with suggestions, returned by the API)."""
        return {
            "code": self.code,
            "kind": self.kind,
            "words": list(self.words),
            "params": dict(self.params),
            "check": self.check,
            "text": str(self),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Reason:
        """The inverse of `to_dict`."""
        return cls(
            code=str(data.get("code", "")),
            kind=str(data.get("kind", "")),
            words=tuple(str(w) for w in data.get("words", ())),
            params=dict(data.get("params") or {}),
            check=str(data.get("check", "")),
            text=str(data.get("text", "")),
        )


def with_words(code: str, kind: str, words: Iterable[str], *, check: str = "", **params: Any) -> Reason:
    """A reason whose code form is "code:kind (word, word)" (the common shape)."""
    unique = tuple(dict.fromkeys(w for w in words if w))
    text = f"{code}:{kind} ({', '.join(unique)})" if unique else f"{code}:{kind}"
    return Reason(code, kind, unique, params, check, text)


def text_of(reason: Reason | Mapping[str, Any] | str) -> str:
    """The code form of a reason, a stored reason dict, or an older stored string."""
    if isinstance(reason, str):
        return reason
    if isinstance(reason, Mapping):
        return str(reason.get("text") or reason.get("code", ""))
    return str(reason)


def stored_reason(reason: Reason | Mapping[str, Any] | str) -> Reason:
    """A reason from its stored form; an older stored code string keeps only its code and kind."""
    if isinstance(reason, Reason):
        return reason
    if isinstance(reason, Mapping):
        return Reason.from_dict(reason)
    code, _, detail = reason.partition(":")
    return Reason(code.strip(), detail.split(" (")[0].strip(), (), {}, "", reason)


def reason_key(reason: Reason | Mapping[str, Any] | str) -> str:
    """What reports count blocked candidates by: code and kind (older strings: up to the words)."""
    if isinstance(reason, str):
        return reason.split(" (")[0]
    return stored_reason(reason).key

"""Score `linker scan` output against labelled cases (rewritten from the team's score_linker.py).

A link to an offer listed in a case's "nolink" is an embarrassing link; a missing link to an
offer listed in "link" is a missed link; for html cases, an offer link inside h1-h6, a, code,
pre or blockquote is a zone violation. An input line without output, or with an error, counts
as an error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

FORBIDDEN_ZONES = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "a", "code", "pre", "blockquote"})
VOID_TAGS = frozenset({"br", "img", "hr", "input", "meta", "link"})


class ZoneCheck(HTMLParser):
    """Counts offer links that sit inside forbidden elements."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.links = self.violations = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            a = dict(attrs)
            is_offer = (
                "sponsored" in (a.get("rel") or "") or "/go/" in (a.get("href") or "") or "data-offer" in a
            )
            if is_offer:
                self.links += 1
                self.violations += any(t in FORBIDDEN_ZONES for t in self.stack)
        if tag not in VOID_TAGS:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass


@dataclass
class Score:
    """The outcome of one scoring run; `details` names every failing case."""

    embarrassing: int = 0
    unsafe_slots: int = 0
    missed: int = 0
    expected: int = 0
    zone_violations: int = 0
    errors: int = 0
    details: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """Share of the expected links that were made."""
        return (self.expected - self.missed) / self.expected if self.expected else 1.0


def load_jsonl(path: Path) -> list[dict]:
    """The non-blank lines of a JSONL file, parsed."""
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def zone_violations(html: str) -> int:
    """How many offer links in `html` sit inside a forbidden element."""
    check = ZoneCheck()
    check.feed(html)
    check.close()
    return check.violations


def score(cases: list[dict], outputs: list[dict]) -> Score:
    """Compare the linker's outputs (matched by id) with the labelled cases."""
    by_id = {o.get("id"): o for o in outputs}
    result = Score()
    for case in cases:
        output = by_id.get(case["id"])
        produced: set[str] = set()
        if output is None or "error" in output:
            result.errors += 1
            result.details.append(f"{case['id']}: " + ("no output" if output is None else output["error"]))
        else:
            produced = {link.get("offer") for link in output.get("links", [])}
        for offer in case["nolink"]:
            result.unsafe_slots += 1
            if offer in produced:
                result.embarrassing += 1
                result.details.append(f"{case['id']} [{case['kind']}]: embarrassing link to {offer}")
        for offer in case["link"]:
            result.expected += 1
            if offer not in produced:
                result.missed += 1
                result.details.append(f"{case['id']} [{case['kind']}]: missed {offer}")
        if "html" in case and output is not None and "error" not in output:
            violations = zone_violations(output["html"]) if "html" in output else 1
            result.zone_violations += violations
            if violations:
                result.details.append(f"{case['id']}: {violations} link(s) in a forbidden zone or no html")
    return result

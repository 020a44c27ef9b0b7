"""Plain-text documents: case folding that keeps offsets, paragraphs, sentences."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property

_FOLD_EXTRA = (("ё", "е"), ("’", "'"), ("\u00a0", " "), ("\t", " "), ("\n", " "), ("\r", " "))
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”»)\]]*\s+")


def fold(text: str) -> str:
    """Lower-case `text` for matching, keeping every character at its offset."""
    lowered = text.lower()
    if len(lowered) != len(text):  # e.g. 'İ' lower-cases to two code points
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    for old, new in _FOLD_EXTRA:
        if old in lowered:
            lowered = lowered.replace(old, new)
    return lowered


@dataclass
class Document:
    """Text to scan, its paragraphs, and the ranges where links may not go."""

    text: str
    paragraphs: list[tuple[int, int]]
    zones: list[tuple[int, int, str]] = field(default_factory=list)
    runs: list[tuple[int, int]] | None = None  # html: ranges that can be wrapped in one <a>

    @classmethod
    def from_text(cls, text: str) -> Document:
        """Split plain text into paragraphs at blank lines."""
        paragraphs, start = [], 0
        for match in _PARAGRAPH_BREAK.finditer(text):
            if match.start() > start:
                paragraphs.append((start, match.start()))
            start = match.end()
        if start < len(text):
            paragraphs.append((start, len(text)))
        return cls(text=text, paragraphs=paragraphs)

    @cached_property
    def paragraph_starts(self) -> list[int]:
        return [start for start, _end in self.paragraphs]

    def paragraph_of(self, position: int) -> int:
        """Index of the paragraph containing `position` (or the one before it)."""
        return max(0, bisect.bisect_right(self.paragraph_starts, position) - 1)

    @cached_property
    def _zone_index(self) -> tuple[list[int], list[tuple[int, str]]]:
        """Zones by start, with the furthest-reaching zone among each prefix (a bisect per query)."""
        ordered = sorted(self.zones)
        starts, reach, best = [], [], (-1, "")
        for zone_start, zone_end, name in ordered:
            if zone_end > best[0]:
                best = (zone_end, name)
            starts.append(zone_start)
            reach.append(best)
        return starts, reach

    def zone_at(self, start: int, end: int) -> str | None:
        """The forbidden zone (element name) overlapping [start, end), if any."""
        if not self.zones:
            return None
        starts, reach = self._zone_index
        count = bisect.bisect_left(starts, end)  # zones starting before `end`
        if count and reach[count - 1][0] > start:
            return reach[count - 1][1]
        return None

    @cached_property
    def _run_starts(self) -> list[int]:
        return [s for s, _e in self.runs or ()]

    def can_wrap(self, start: int, end: int) -> bool:
        """True if [start, end) lies in one run of text (no markup inside)."""
        if self.runs is None:
            return True
        index = bisect.bisect_right(self._run_starts, start) - 1
        return index >= 0 and self.runs[index][1] >= end


def sentence_window(text: str, start: int, end: int, para: tuple[int, int], size: int) -> tuple[int, int]:
    """The sentence around [start, end) inside `para`, cut at sentence ends, at most ~`size` chars."""
    para_start, para_end = para
    lo, hi = max(para_start, start - size // 2), min(para_end, end + size // 2)
    left = None
    for match in _SENTENCE_END.finditer(text, lo, start):
        left = match.end()
    right = _SENTENCE_END.search(text, end, hi)
    return (left if left is not None else lo, right.end() if right else hi)

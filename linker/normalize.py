"""Hidden and look-alike characters: the text the linker matches, and a map back to the input.

Soft hyphens and zero-width characters are dropped, decomposed letters (NFD) are composed,
Latin and Cyrillic look-alikes inside a word written mostly in the other script are replaced,
and separators may be inserted (HTML block boundaries). `OffsetMap` turns offsets of the
normalised text back into offsets of the original, so results still index the input.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

INVISIBLE = "\u00ad\u034f\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
_MARKS = re.compile(r"[\u0300-\u036f\u0483-\u0487]")
_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_WORD = re.compile(rf"[\w{INVISIBLE}\u0300-\u036f\u0483-\u0487]+")
_CLUSTER = re.compile(r".[\u0300-\u036f\u0483-\u0487]+", re.DOTALL)
#: Where a word may need cleaning: an invisible character or a combining mark, or Latin and
#: Cyrillic letters in one word. One regex pass finds them; only their words are examined.
_SUSPECT = re.compile(
    rf"[{INVISIBLE}\u0300-\u036f\u0483-\u0487]|[A-Za-z]\w*[\u0400-\u04ff]|[\u0400-\u04ff]\w*[A-Za-z]"
)

_HIDDEN = re.compile(rf"[{INVISIBLE}\u0300-\u036f\u0483-\u0487]")
_LATIN_RUN = re.compile(r"[A-Za-z]+")
_CYRILLIC_RUN = re.compile(r"[\u0400-\u04ff]+")
_HIDDEN_OR_LATIN = re.compile(rf"[{INVISIBLE}\u0300-\u036f\u0483-\u0487]|[A-Za-z]+")
_HIDDEN_OR_CYRILLIC = re.compile(rf"[{INVISIBLE}\u0300-\u036f\u0483-\u0487]|[\u0400-\u04ff]+")

# Latin letters and the Cyrillic letters that look the same (both directions).
_LATIN_LOOKS = "aceopxyiABCEHKMOPTXYsjS"
_CYRILLIC_LOOKS = "асеорхуіАВСЕНКМОРТХУѕјЅ"
TO_CYRILLIC = str.maketrans(_LATIN_LOOKS, _CYRILLIC_LOOKS)
TO_LATIN = str.maketrans(_CYRILLIC_LOOKS, _LATIN_LOOKS)


@dataclass
class OffsetMap:
    """Where each character of the normalised text came from.

    Character i of the normalised text covers [start(i), start(i) + span) of the original; the
    map is stored as segments of constant shift: from `points[k]` on, the character i starts at
    i + `starts[k]` and ends at i + 1 + `ends[k]` (inserted characters cover nothing)."""

    length: int  # of the normalised text
    original_length: int
    points: list[int] = field(default_factory=lambda: [0])
    starts: list[int] = field(default_factory=lambda: [0])
    ends: list[int] = field(default_factory=lambda: [0])

    @property
    def identity(self) -> bool:
        return self.points == [0] and self.starts == [0] and self.ends == [0]

    def start(self, i: int) -> int:
        """Original offset where the normalised character `i` starts (the end for i == length)."""
        if i >= self.length:
            return self.original_length
        k = bisect.bisect_right(self.points, i) - 1
        return i + self.starts[k]

    def end(self, e: int) -> int:
        """Original offset just past the normalised character `e - 1` (an end offset)."""
        if e <= 0:
            return self.start(0)
        k = bisect.bisect_right(self.points, e - 1) - 1
        return e + self.ends[k]

    def to_normalized(self, offset: int) -> int:
        """The first normalised position whose character starts at or after `offset`."""
        return bisect.bisect_left(range(self.length + 1), offset, key=self.start)

    def forward(self, offsets: Iterable[int]) -> dict[int, int]:
        """`to_normalized` of many offsets in one walk over the segments (linear, not n log n)."""
        # the offsets are a few sorted runs: Timsort merges them in linear time (a set would not)
        ordered = sorted(dict.fromkeys(offsets))
        return dict(zip(ordered, self.forward_sorted(ordered), strict=True))

    def forward_sorted(self, offsets: list[int]) -> list[int]:
        """`to_normalized` of each of `offsets` (ascending), in one walk and without a dict: the
        large lists of an HTML document (block breaks, runs) stay compact."""
        result: list[int] = []
        k, count = 0, len(self.points)
        for offset in offsets:
            # advance to the segment whose last character starts at or after `offset`
            while k < count:
                last = (self.points[k + 1] if k + 1 < count else self.length) - 1
                if last >= self.points[k] and last + self.starts[k] >= offset:
                    break
                k += 1
            result.append(self.length if k == count else max(self.points[k], offset - self.starts[k]))
        return result

    def _segment(self, at: int, start_shift: int, end_shift: int) -> None:
        if self.starts[-1] == start_shift and self.ends[-1] == end_shift:
            return
        if self.points[-1] == at:
            self.starts[-1], self.ends[-1] = start_shift, end_shift
            if len(self.points) > 1 and (self.starts[-2], self.ends[-2]) == (start_shift, end_shift):
                del self.points[-1], self.starts[-1], self.ends[-1]
            return
        self.points.append(at)
        self.starts.append(start_shift)
        self.ends.append(end_shift)


def _needs_work(text: str) -> bool:
    if text.isascii():
        return False
    return bool(
        _INVISIBLE.search(text)
        or not unicodedata.is_normalized("NFC", text)
        or (_LATIN.search(text) and _CYRILLIC.search(text))
    )


def _word_edits(word: str, offset: int) -> list[tuple[int, int, str]]:
    """Edits (original start, original end, replacement) that clean one word."""
    if not (
        _INVISIBLE.search(word) or _MARKS.search(word) or (_LATIN.search(word) and _CYRILLIC.search(word))
    ):
        return []
    parts: list[tuple[int, int, str]] = []  # (start, end, text) covering the word
    position = 0
    for cluster in _CLUSTER.finditer(word):
        parts.extend((i, i + 1, word[i]) for i in range(position, cluster.start()))
        parts.append((cluster.start(), cluster.end(), unicodedata.normalize("NFC", cluster.group())))
        position = cluster.end()
    parts.extend((i, i + 1, word[i]) for i in range(position, len(word)))
    parts = [(a, b, "" if len(t) == 1 and t in INVISIBLE else t) for a, b, t in parts]
    cleaned = "".join(t for _a, _b, t in parts)
    latin, cyrillic = len(_LATIN.findall(cleaned)), len(_CYRILLIC.findall(cleaned))
    table = TO_CYRILLIC if cyrillic > latin else TO_LATIN if latin > cyrillic else None
    if table is not None and latin and cyrillic:
        parts = [(a, b, t.translate(table)) for a, b, t in parts]
    return [(offset + a, offset + b, t) for a, b, t in parts if word[a:b] != t]


def _suspect_words(text: str) -> Iterator[re.Match[str]]:
    """The words (`_WORD` matches) holding a `_SUSPECT` match, each once, in order.

    A word holds one exactly when it holds an invisible character or a combining mark, or
    Latin and Cyrillic letters (in one run of word characters, or in two runs, which only
    such a character separates inside a word). Every such word holds a hidden character or a
    letter of the text's rarer script, so only those are visited: `_SUSPECT.finditer` tried
    a match at every letter of the other script, most of normalising a Russian text."""
    rarer = _LATIN_RUN if len(_LATIN_RUN.findall(text)) <= len(_CYRILLIC_RUN.findall(text)) else _CYRILLIC_RUN
    hits = _HIDDEN_OR_LATIN if rarer is _LATIN_RUN else _HIDDEN_OR_CYRILLIC
    done = -1
    for hit in hits.finditer(text):
        if hit.start() < done:
            continue
        start = hit.start()
        while start > 0 and _WORD.match(text, start - 1):
            start -= 1
        word = _WORD.match(text, start)
        if word is None:
            continue
        done = word.end()
        found = word.group()
        if _HIDDEN.search(found) or (_LATIN.search(found) and _CYRILLIC.search(found)):
            yield word


def normalize(text: str, inserts: Iterable[int] = (), separator: str = "\n") -> tuple[str, OffsetMap]:
    """The text to match and the map back to `text`; `separator` goes in at each of `inserts`."""
    edits = [(p, p, separator) for p in inserts]
    if _needs_work(text):
        for match in _suspect_words(text):
            edits.extend(_word_edits(match.group(), match.start()))
    omap = OffsetMap(len(text), len(text))
    if not edits:
        return text, omap
    edits.sort(key=lambda edit: (edit[0], edit[1]))
    out: list[str] = []
    position = n = 0  # original and normalised positions
    for a, b, replacement in edits:
        if a < position:
            continue
        if a > position:
            omap._segment(n, position - n, position - n)
            out.append(text[position:a])
            n += a - position
        if b == a:  # an insertion: covers nothing of the original
            for ch in replacement:
                omap._segment(n, a - n, a - n - 1)
                out.append(ch)
                n += 1
        elif replacement:
            if len(replacement) > 1:
                omap._segment(n, a - n, a - n)
                n += len(replacement) - 1
            omap._segment(n, a + len(replacement) - 1 - n, b - n - 1)
            out.append(replacement)
            n += 1
        position = b
    if position < len(text) or n == 0:
        omap._segment(n, position - n, position - n)
        out.append(text[position:])
        n += len(text) - position
    omap.length = n
    return "".join(out), omap

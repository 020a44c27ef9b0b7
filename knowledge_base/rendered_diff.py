"""A rendered, side-by-side diff of two article texts, block by block.

The Markdown is cut into blocks (paragraphs, lists, headings, fenced code kept whole), the block
sequences are matched with difflib, and every block is rendered through the same renderer and
sanitizer as publishing, so reviewers and translators see what readers will see.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from knowledge_base.render import render_markdown

#: Block comparisons allowed (old blocks x new blocks); beyond it the diff says "too large".
MAX_BLOCK_WORK = 250_000
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


@dataclass(frozen=True)
class Row:
    """One row of the side-by-side table: kind is same, changed, added or removed."""

    kind: str
    old_html: str
    new_html: str


@dataclass(frozen=True)
class SideBySide:
    """The rows, or `too_large` when the texts are too big to compare."""

    rows: list[Row]
    too_large: bool = False


def blocks(markdown: str) -> list[str]:
    """Markdown cut at blank lines, never inside a fenced code block."""
    out: list[str] = []
    current: list[str] = []
    fenced = False
    for line in markdown.replace("\r\n", "\n").split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        if not line.strip() and not fenced:
            if current:
                out.append("\n".join(current))
                current = []
            continue
        current.append(line)
    if current:
        out.append("\n".join(current))
    return out


def _pair_rows(old: list[str], new: list[str]) -> list[Row]:
    rows = [Row("changed", render_markdown(a), render_markdown(b)) for a, b in zip(old, new, strict=False)]
    rows += [Row("removed", render_markdown(a), "") for a in old[len(new) :]]
    rows += [Row("added", "", render_markdown(b)) for b in new[len(old) :]]
    return rows


def side_by_side(old: str, new: str, *, budget: int = MAX_BLOCK_WORK) -> SideBySide:
    """Compare two Markdown texts block by block; rendered HTML on both sides."""
    a, b = blocks(old), blocks(new)
    if len(a) * len(b) > budget:
        return SideBySide([], too_large=True)
    rows: list[Row] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [Row("same", html, html) for html in map(render_markdown, a[i1:i2])]
        else:
            rows += _pair_rows(a[i1:i2], b[j1:j2])
    return SideBySide(rows)

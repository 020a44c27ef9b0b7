"""The search interface every backend implements."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Protocol

from knowledge_base.search.analysis import WORD, normalise

SNIPPET_WORDS = 30


@dataclass(frozen=True)
class SearchDocument:
    """What is indexed for one published article."""

    article_id: int
    slug: str
    locale: str
    title: str
    body_text: str
    tags: tuple[str, ...] = ()
    category: str = ""


@dataclass(frozen=True)
class SearchHit:
    article_id: int
    slug: str
    title: str
    snippet_html: str
    score: float


@dataclass
class SearchPage:
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = 10

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


class SearchBackend(Protocol):
    """Index and query published articles."""

    def index(self, documents: list[SearchDocument]) -> None: ...

    def remove(self, article_id: int) -> None: ...

    def clear(self) -> None: ...

    def search(
        self, query: str, locale: str, *, category: str = "", page: int = 1, per_page: int = 10
    ) -> SearchPage: ...


def snippet(text: str, terms: set[str], lang: str) -> str:
    """The ~30-word stretch of `text` with most query terms, HTML-escaped, terms in <mark>."""
    words = [(m.start(), m.end(), normalise(m.group().lower(), lang) in terms) for m in WORD.finditer(text)]
    if not words:
        return ""
    best, best_count = 0, -1
    running = sum(1 for w in words[:SNIPPET_WORDS] if w[2])
    for start in range(0, max(1, len(words) - SNIPPET_WORDS + 1)):
        if start:
            running += words[start + SNIPPET_WORDS - 1][2] if start + SNIPPET_WORDS - 1 < len(words) else 0
            running -= words[start - 1][2]
        if running > best_count:
            best, best_count = start, running
    chosen = words[best : best + SNIPPET_WORDS]
    out, position = [], chosen[0][0]
    for start, end, hit in chosen:
        out.append(html.escape(text[position:start]))
        word = html.escape(text[start:end])
        out.append(f"<mark>{word}</mark>" if hit else word)
        position = end
    prefix = "… " if chosen[0][0] > 0 else ""
    suffix = " …" if chosen[-1][1] < len(text) else ""
    return prefix + "".join(out).strip() + suffix

"""Markdown to safe HTML."""

from __future__ import annotations

import re
from functools import cache
from html import unescape

from markdown_it import MarkdownIt

from knowledge_base.sanitize import clean_html

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@cache
def _markdown() -> MarkdownIt:
    # raw HTML in Markdown is shown as text, never passed through
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable("strikethrough")


def render_markdown(source: str) -> str:
    """Render Markdown and sanitize the result."""
    return clean_html(_markdown().render(source))


def plain_text(html: str) -> str:
    """Text content of rendered HTML, for search and snippets."""
    text = _TAG.sub(" ", html.replace("</p>", "\n").replace("<br>", "\n"))
    return _SPACE.sub(" ", unescape(text)).strip()

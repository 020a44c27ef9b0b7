"""HTML-only mail to plain text: no markup survives, quotes become `> ` lines, links keep their address."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_SKIP = frozenset({"script", "style", "head", "title", "template", "noscript"})
_SPACES = re.compile(r"[ \t\r\n\f\u00a0]+")


class _TextBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str]] = []
        self.current: list[str] = []
        self.depth = 0
        self.skipping = 0
        self.pre = 0
        self.link: str | None = None
        self.link_text: list[str] = []

    def newline(self) -> None:
        self.lines.append((self.depth, "".join(self.current).strip()))
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag == "blockquote":
            self.newline()
            self.depth += 1
        elif tag in _BLOCK:
            self.newline()
            if tag == "pre":
                self.pre += 1
            if tag == "li":
                self.current.append("- ")
        elif tag == "a":
            self.link = dict(attrs).get("href") or None
            self.link_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(self.skipping - 1, 0)
        elif tag == "blockquote":
            self.newline()
            self.depth = max(self.depth - 1, 0)
        elif tag in _BLOCK:
            if tag == "pre":
                self.pre = max(self.pre - 1, 0)
            self.newline()
        elif tag == "a" and self.link:
            text = "".join(self.link_text).strip()
            if self.link.startswith(("http://", "https://")) and self.link != text:
                self.current.append(f" ({self.link})")
            self.link = None

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.pre:
            for number, part in enumerate(data.split("\n")):
                if number:
                    self.newline()
                self.current.append(part)
            return
        text = _SPACES.sub(" ", data)
        if self.link is not None:
            self.link_text.append(text)
        self.current.append(text)


def html_to_text(html: str) -> str:
    """The readable text of an HTML mail body; blockquotes become `> ` quoted lines."""
    builder = _TextBuilder()
    builder.feed(html)
    builder.close()
    builder.newline()
    out: list[str] = []
    for depth, text in builder.lines:
        line = ("> " * depth + text).rstrip()
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()

"""HTML-only mail to plain text: no markup survives, quotes become `> ` lines, links keep their address."""

from __future__ import annotations

import re
from html.parser import HTMLParser

#: Tags that end a line when they hold text (a `<div>` per line, as Gmail writes, gives no blank lines).
_LINE = frozenset(
    {
        "div",
        "li",
        "tr",
        "dt",
        "dd",
        "pre",
        "address",
        "figure",
        "header",
        "footer",
        "section",
        "article",
        "aside",
        "main",
        "nav",
        "form",
        "fieldset",
    }
)
#: Tags that separate paragraphs with a blank line.
_PARAGRAPH = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "hr"})
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

    def newline(self, *, force: bool = False) -> None:
        text = "".join(self.current).strip()
        if text or force:
            self.lines.append((self.depth, text))
        self.current = []

    def paragraph(self) -> None:
        self.newline()
        if self.lines and self.lines[-1][1]:
            self.lines.append((self.depth, ""))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag == "blockquote":
            self.paragraph()
            self.depth += 1
        elif tag == "br":
            self.newline(force=True)
        elif tag in _LINE or tag in _PARAGRAPH:
            self.paragraph() if tag in _PARAGRAPH else self.newline()
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
            self.paragraph()
            self.depth = max(self.depth - 1, 0)
        elif tag in _LINE or tag in _PARAGRAPH:
            if tag == "pre":
                self.pre = max(self.pre - 1, 0)
            self.paragraph() if tag in _PARAGRAPH else self.newline()
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
                    self.newline(force=True)
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
        if line or (out and out[-1] and out[-1].strip("> ")):
            out.append(line)
    while out and not out[-1].strip("> "):
        out.pop()
    return "\n".join(out).strip()

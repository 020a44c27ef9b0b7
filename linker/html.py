"""HTML input: text content with paragraphs and forbidden zones; links inserted into the source."""

from __future__ import annotations

import html as htmllib
import re
from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser

from linker.normalize import OffsetMap, normalize
from linker.offers import Offer
from linker.result import Link
from linker.text import Document

FORBIDDEN = {
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "code",
    "pre",
    "kbd",
    "samp",
    "blockquote",
    "q",
    "figcaption",
    "cite",
    "button",
    "label",
    "select",
    "option",
    "textarea",
    "title",
}
SKIPPED = {"script", "style", "template", "noscript", "head"}
# Elements whose content a browser reads as raw text: markup inserted there shows as text.
# Their content is parsed as one piece (no tags inside) and never gets a link.
RAW_TEXT = ("script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "textarea", "title")
PLAINTEXT = "plaintext"  # everything after <plaintext> is raw text, to the end of the document
FORBIDDEN.update(RAW_TEXT, {PLAINTEXT})
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
}
BLOCKS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
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
    "summary",
    "table",
    "td",
    "th",
    "tr",
    "ul",
    "body",
    "html",
}


@dataclass(slots=True)
class Piece:
    """A stretch of text content and where it stands in the source."""

    text_start: int
    text_end: int
    src_start: int
    src_end: int
    literal: bool  # text and source correspond character by character
    run: int  # pieces with the same run have no markup between them


@dataclass
class ParsedHtml:
    source: str
    document: Document
    pieces: list[Piece] = field(default_factory=list)
    breaks: list[int] = field(default_factory=list)  # text offsets of block boundaries

    def separators(self) -> list[int]:
        """Block boundaries between two non-space characters: a browser shows a line break there."""
        text = self.document.text
        return [
            p
            for p in self.breaks
            if 0 < p < len(text) and not text[p - 1].isspace() and not text[p].isspace()
        ]


_NEVER = re.compile(r"(?!)")


class _Collector(HTMLParser):
    CDATA_CONTENT_ELEMENTS = (*RAW_TEXT, PLAINTEXT)

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.text: list[str] = []
        self.length = 0
        self.pieces: list[Piece] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, forbidden-or-marked)
        self.zone_opened: list[tuple[int, str]] = []
        self.zones: list[tuple[int, int, str]] = []
        self.breaks: list[int] = [0]
        self.run = 0
        self.skip_depth = 0
        self.closing = False

    def close(self):
        self.closing = True
        super().close()

    def set_cdata_mode(self, elem):
        """Raw-text content up to its end tag; after <plaintext> up to the end of the document."""
        super().set_cdata_mode(elem)
        # as in browsers: only "</name" followed by a space, "/" or ">" ends it ("</ name>" does not)
        self.interesting = _NEVER if elem == PLAINTEXT else re.compile(rf"</{elem}(?=[\t\n\r\f />])", re.I)

    def goahead(self, end):
        super().goahead(end)
        if end and self.cdata_elem and self.rawdata:
            # an unclosed raw-text element: its content runs to the end of the document
            start = self._offset()
            self._add(self.rawdata, start, start + len(self.rawdata), True)
            self.rawdata = ""

    def parse_html_declaration(self, i):
        """`<![` outside foreign content is a bogus comment up to the next `>`, as in browsers
        (the standard library raises on `<![>`)."""
        if self.rawdata.startswith("<![", i):
            gt = self.rawdata.find(">", i + 3)
            if gt < 0:
                return -1
            self.handle_comment(self.rawdata[i + 3 : gt])
            return gt + 1
        return super().parse_html_declaration(i)

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _boundary(self, tag: str) -> None:
        self.run += 1
        if tag in BLOCKS:
            self.breaks.append(self.length)

    def handle_starttag(self, tag, attrs):
        self._boundary(tag)
        if tag in SKIPPED:
            self.skip_depth += 1
            self.stack.append((tag, False))
            return
        if tag in VOID:
            return
        marked = tag in FORBIDDEN or any(name == "data-nolink" for name, _v in attrs)
        self.stack.append((tag, marked))
        if marked:
            self.zone_opened.append((self.length, tag))

    def handle_startendtag(self, tag, attrs):
        self._boundary(tag)

    def handle_endtag(self, tag):
        self._boundary(tag)
        if not any(t == tag for t, _m in self.stack):
            return
        while self.stack:
            open_tag, marked = self.stack.pop()
            if open_tag in SKIPPED:
                self.skip_depth -= 1
            if marked:
                start, name = self.zone_opened.pop()
                self.zones.append((start, self.length, name))
            if open_tag == tag:
                break

    def _add(self, text: str, src_start: int, src_end: int, literal: bool) -> None:
        if self.skip_depth or not text:
            return
        self.pieces.append(Piece(self.length, self.length + len(text), src_start, src_end, literal, self.run))
        self.text.append(text)
        self.length += len(text)

    def handle_data(self, data):
        start = self._offset()
        before = self.length
        self._add(data, start, start + len(data), True)
        if self.closing and not self.skip_depth:
            # markup left unparsed at the end (e.g. "<!x"): other parsers may read it as a tag
            self.zones.append((before, self.length, "markup"))

    def handle_entityref(self, name):
        start = self._offset()
        end = start + 1 + len(name) + (1 if self.source[start + 1 + len(name) :][:1] == ";" else 0)
        self._add(htmllib.unescape(self.source[start:end]), start, end, False)

    def handle_charref(self, name):
        self.handle_entityref("#" + name)

    def handle_comment(self, data):
        self.run += 1

    def close_zones(self) -> None:
        while self.zone_opened:
            start, name = self.zone_opened.pop()
            self.zones.append((start, self.length, name))


def parse_html(source: str) -> ParsedHtml:
    """Parse (possibly malformed) HTML into text content, paragraphs, zones and runs."""
    collector = _Collector(source)
    collector.feed(source)
    collector.close()
    collector.close_zones()
    text = "".join(collector.text)
    # breaks are appended in document order: dict.fromkeys keeps it, so sorting is linear
    breaks = sorted(dict.fromkeys(collector.breaks))
    cuts = sorted(dict.fromkeys([*breaks, len(text)]))
    paragraphs = [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if text[a:b].strip()]
    runs: list[tuple[int, int]] = []
    previous: Piece | None = None
    for piece in collector.pieces:
        if previous is not None and previous.run == piece.run and runs[-1][1] == piece.text_start:
            runs[-1] = (runs[-1][0], piece.text_end)
        else:
            runs.append((piece.text_start, piece.text_end))
        previous = piece
    document = Document(
        text=text, paragraphs=paragraphs or [(0, len(text))], zones=collector.zones, runs=runs
    )
    return ParsedHtml(source, document, collector.pieces, breaks)


def _source_offset(pieces: list[Piece], starts: list[int], position: int, at_end: bool) -> int | None:
    index = bisect_right(starts, position) - 1
    if at_end and index >= 0 and pieces[index].text_start == position and index > 0:
        index -= 1  # an end offset belongs to the piece it closes
    if index < 0:
        return None
    piece = pieces[index]
    if position == piece.text_end:
        return piece.src_end
    if position == piece.text_start:
        return piece.src_start
    if not piece.literal:
        return None
    return piece.src_start + (position - piece.text_start)


def insert_links(
    parsed: ParsedHtml,
    links: list[Link],
    offers: Mapping[str, Offer],
    href: Callable[[Link, Offer], str] | None = None,
    inside_html: Callable[[Link, Offer], str] | None = None,
    attributes: Callable[[Link, Offer], str] | None = None,
) -> str:
    """The source with each link's text wrapped in <a rel="sponsored noopener" data-offer=…>."""
    pieces = parsed.pieces
    starts = [p.text_start for p in pieces]
    edits = []
    for link in links:
        offer = offers[link.offer]
        src_start = _source_offset(pieces, starts, link.start, at_end=False)
        src_end = _source_offset(pieces, starts, link.end, at_end=True)
        if src_start is None or src_end is None or src_end <= src_start:
            continue
        url = href(link, offer) if href else offer.url
        opening = (
            f'<a href="{htmllib.escape(url, quote=True)}" rel="sponsored noopener" '
            f'data-offer="{htmllib.escape(offer.id, quote=True)}">'
        )
        if attributes is not None:
            opening = opening[:-1] + " " + attributes(link, offer) + ">"
        closing = (inside_html(link, offer) if inside_html else "") + "</a>"
        edits.append((src_start, src_end, opening, closing))
    out = parsed.source
    for src_start, src_end, opening, closing in sorted(edits, reverse=True):
        out = out[:src_start] + opening + out[src_start:src_end] + closing + out[src_end:]
    return out


def normalized_document(parsed: ParsedHtml) -> tuple[Document, OffsetMap]:
    """The document the linker matches: hidden characters cleaned, a line break at each block
    boundary between two words; its paragraphs, zones and runs carried over (see `normalize`)."""
    content = parsed.document
    text, offsets = normalize(content.text, parsed.separators())
    if offsets.identity:
        return content, offsets
    breaks = offsets.forward_sorted(parsed.breaks)
    zones = offsets.forward([p for zone in content.zones for p in zone[:2]])
    runs = content.runs or []
    run_edges = offsets.forward_sorted([p for run in runs for p in run])  # runs are in document order
    cuts = sorted(dict.fromkeys([0, *breaks, len(text)]))
    paragraphs = [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if text[a:b].strip()]
    document = Document(
        text=text,
        paragraphs=paragraphs or [(0, len(text))],
        zones=[(zones[a], zones[b], name) for a, b, name in content.zones],
        runs=list(zip(run_edges[::2], run_edges[1::2], strict=True)),
    )
    return document, offsets

"""clean_html: the only place that imports bleach (deprecated upstream; nh3 can replace it here)."""

from __future__ import annotations

import re
from functools import cache, partial
from urllib.parse import urlsplit

import bleach
from bleach.linkifier import LinkifyFilter, build_url_re

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "dd",
        "del",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "kbd",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "small",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "abbr": ["title"],
    "img": lambda _tag, name, value: name in IMAGE_ATTRIBUTES and (name != "src" or allowed_image_src(value)),
    "td": ["colspan", "rowspan", "align"],
    "th": ["colspan", "rowspan", "align", "scope"],
    "ol": ["start"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
IMAGE_ATTRIBUTES = frozenset({"src", "alt", "title", "width", "height"})
#: Images only from this site's article image route: the CSP allows no others, and an external
#: image would tell another server who reads the page.
IMAGE_SRC = re.compile(r"/kb/images/[0-9a-f]{32}\.(png|jpg|webp)")  # fullmatch: `$` accepts "\n"
#: An <img> left without a source after cleaning shows nothing: it is dropped.
_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")

#: Bare URLs that linkify turns into links: only the allowed schemes (bleach's default list has
#: ssh:, data:, irc: ...), and never the tail of a longer URL with another scheme ("ssh://x.org"
#: must not become a link to http://x.org), hence the look-behind.
_BARE_URL = build_url_re(protocols=ALLOWED_PROTOCOLS)
BARE_URL = re.compile(r"(?<![\w:/.@+-])" + _BARE_URL.pattern, _BARE_URL.flags)


def allowed_href(href: str | None) -> bool:
    """True for links that may survive: http, https, mailto, or a relative address."""
    if not href:
        return False
    cleaned = "".join(href.split())  # browsers ignore whitespace and controls inside a scheme
    scheme = urlsplit(cleaned).scheme.lower()
    return scheme in ALLOWED_PROTOCOLS if scheme else True


def allowed_image_src(src: str | None) -> bool:
    """True only for a stored article image on this site (/kb/images/<hash>.<ext>)."""
    return bool(src) and IMAGE_SRC.fullmatch(src) is not None


def _safe_link(attrs, new=False):
    """Linkify callback for every link (Markdown, autolink, bare URL): bad or missing href -> text."""
    if not allowed_href(attrs.get((None, "href"))):
        return None
    attrs[(None, "rel")] = "nofollow noopener"
    return attrs


@cache
def _cleaner(linkify: bool) -> bleach.Cleaner:
    filters = [partial(LinkifyFilter, callbacks=[_safe_link], url_re=BARE_URL, skip_tags={"pre", "code"})]
    return bleach.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=filters if linkify else [],
    )


def clean_html(html: str, *, linkify: bool = True) -> str:
    """Keep only allowlisted tags, attributes and URL schemes; bare URLs become nofollow links."""
    return _IMG_WITHOUT_SRC.sub("", _cleaner(linkify).clean(html))

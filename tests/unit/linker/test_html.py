"""HTML input: zones that never get links, and links inserted without touching the rest."""

from html.parser import HTMLParser

import pytest

from tests.unit.linker.conftest import linked


class TextContent(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def text_of(html: str) -> str:
    parser = TextContent()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


@pytest.mark.parametrize(
    "fragment",
    [
        "<h2>Your router</h2>",
        '<p>See <a href="/x">the router guide</a>.</p>',
        "<p>Type <code>router reset</code>.</p>",
        "<pre>router: ok</pre>",
        "<blockquote>My router is great.</blockquote>",
        "<p>She said <q>my router is great</q>.</p>",
        "<figure><img src=a.png alt='router'><figcaption>A router</figcaption></figure>",
        '<p data-nolink="">Customer wrote: my router is slow.</p>',
        "<p><img src='a.png' alt='router on a shelf'></p>",
    ],
)
def test_forbidden_zones_get_no_links(linker, fragment):
    result = linker.scan_html(fragment, lang="en")
    assert result.links == []
    assert 'rel="sponsored' not in result.html


def test_links_are_inserted_and_the_rest_is_untouched(linker):
    html = '<h1>Router</h1><p class="x">Place the router &amp; modem <b>high</b>.</p>'
    result = linker.scan_html(html, lang="en")
    assert linked(result) == {"router"}
    anchor = '<a href="https://shop.example.com/routers" rel="sponsored noopener" data-offer="router">'
    expected = html.replace("the router &amp;", f"the {anchor}router</a> &amp;")
    assert result.html == expected
    assert text_of(result.html) == text_of(html)


def test_offsets_index_the_text_content(linker):
    html = "<p>Clean the door seal of your <em>new</em> washing machine.</p>"
    result = linker.scan_html(html, lang="en")
    content = "Clean the door seal of your new washing machine."
    link = result.links[0]
    assert content[link.start : link.end] == "washing machine"


def test_a_match_across_markup_is_not_wrapped(linker):
    result = linker.scan_html("<p>Our washing <b>machine</b> range.</p>", lang="en")
    assert result.links == []
    assert any("position:" in r for b in result.blocked for r in map(str, b.reasons))


def test_custom_href_for_tracked_links(linker):
    result = linker.scan_html(
        "<p>A router on a shelf.</p>", lang="en", href=lambda link, offer: f"/go/{offer.id}"
    )
    assert 'href="/go/router"' in result.html

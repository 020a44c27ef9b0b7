"""Issue #17.3 and #17.4: block boundaries separate words; raw-text elements never get links."""

import re

import pytest

from linker.html import parse_html
from tests.unit.linker.conftest import linked
from tests.unit.linker.test_html import text_of

ANCHOR = re.compile(r'<a href="[^"]*" rel="sponsored noopener" data-offer="[^"]*">')


def test_a_tragic_heading_is_not_glued_to_the_next_paragraph(linker):
    html = "<h2>Three people killed</h2><p>washing machine fire at the laundry</p>"
    result = linker.scan_html(html, lang="en")
    assert result.links == []
    assert any("killed" in r for b in result.blocked for r in map(str, b.reasons))


def test_a_product_at_the_start_of_a_paragraph_links(linker):
    html = "<h2>Care tips</h2><p>Washing machine drums need a monthly hot wash.</p>"
    result = linker.scan_html(html, lang="en")
    assert linked(result) == {"washing-machine"}
    content = text_of(html)
    link = result.links[0]
    assert content[link.start : link.end] == "Washing machine" and link.text == "Washing machine"


@pytest.mark.parametrize("separator", ["<br>", "</li><li>", "</div><div>", "</td><td>", "<hr>"])
def test_block_elements_and_br_separate_words(linker, separator):
    html = f"<div><ul><li>Our best offer{separator}router for your home.</li></ul></div>"
    result = linker.scan_html(html, lang="en")
    assert linked(result) == {"router"}
    assert ANCHOR.sub("", result.html).replace("</a>", "") == html


def test_inline_elements_do_not_separate_words(linker):
    result = linker.scan_html("<p>a wash<b>ing machine</b> and a wash<i>ing</i></p>", lang="en")
    assert result.links == []


def test_a_break_starts_a_new_paragraph():
    parsed = parse_html("<p>one</p><p>two</p>three<br>four")
    text = parsed.document.text
    assert text == "onetwothreefour"  # offsets still index the text content
    assert parsed.separators() == [3, 6, 11]


RAW_TEXT = ["xmp", "iframe", "noembed", "noframes", "script", "style", "textarea", "title", "noscript"]


@pytest.mark.parametrize("element", RAW_TEXT)
def test_no_link_inside_raw_text_elements(linker, element):
    html = f"<p>x</p><{element}><p>A new router for you.</p></{element}><p>tail</p>"
    result = linker.scan_html(html, lang="en")
    assert 'rel="sponsored' not in result.html
    assert result.links == []


@pytest.mark.parametrize("element", RAW_TEXT)
def test_an_end_tag_inside_raw_text_does_not_close_its_zone(linker, element):
    html = f"<div><{element}></div><p>A new router for you.</p></{element}></div>"
    result = linker.scan_html(html, lang="en")
    assert 'rel="sponsored' not in result.html


def test_plaintext_runs_to_the_end_of_the_document(linker):
    html = "<p>start</p><plaintext><p>A new router for you.</p></plaintext><p>A router.</p>"
    result = linker.scan_html(html, lang="en")
    assert 'rel="sponsored' not in result.html and result.links == []


def test_links_still_go_after_a_closed_raw_text_element(linker):
    html = "<xmp><b>router</b></xmp><p>A new router for you.</p>"
    result = linker.scan_html(html, lang="en")
    assert linked(result) == {"router"}
    assert result.html.startswith("<xmp><b>router</b></xmp><p>A new <a ")


PROBES = [
    "<{el}>router</{el}>",
    "<{el}><a href=x>router</a></{el}>",
    "<{el}>&lt;router&gt;</{el}>",
    "<{el}><!-- router --></{el}>",
    "<{el} title='</{el}>'>router</{el}>",
    "<{el}>router</ {el}>",
    "<{el}>router</{el} >",
    "<{el}>router",
    "<svg><{el}>router</{el}></svg>",
    "<p><{el}></p>router</{el}>",
    "<{el}></ {el}><p>A router here.</p>",
    "<{el}></{el}x><p>A router here.</p>",
    "<{el}></{el}\t><p>A router</p>",
]


@pytest.mark.parametrize("element", [*RAW_TEXT, "plaintext"])
@pytest.mark.parametrize("probe", PROBES)
def test_generated_probes_never_put_markup_into_raw_text(linker, element, probe):
    html = probe.replace("{el}", element)
    result = linker.scan_html(html, lang="en")
    inserted = [m.start() for m in ANCHOR.finditer(result.html)]
    for position in inserted:
        before = result.html[:position].lower()
        opened = before.rfind(f"<{element}")
        closed = before.rfind(f"</{element}")
        assert opened < 0 or closed > opened, f"link inside <{element}>: {result.html}"


def test_the_bogus_marked_section_does_not_crash(linker):
    result = linker.scan_html('<![><img src="]><p>A router.</p>', lang="en")
    assert result.html is not None

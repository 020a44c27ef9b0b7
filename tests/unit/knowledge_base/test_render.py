"""Markdown rendering and the HTML allowlist."""

from knowledge_base.render import plain_text, render_markdown
from knowledge_base.sanitize import clean_html
from knowledge_base.workflow import clean_tags, diff_lines, slugify


def test_markdown_renders_and_raw_html_stays_text():
    source = "## Filter\n\nUse **gloves**.\n\n<script>alert(1)</script>\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    html = render_markdown(source)
    assert "<h2>Filter</h2>" in html and "<strong>gloves</strong>" in html and "<table>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_bare_urls_become_nofollow_links_and_bad_schemes_are_dropped():
    html = render_markdown("See https://example.org/help and [x](javascript:alert(1)).")
    assert '<a href="https://example.org/help" rel="nofollow noopener">' in html
    assert 'href="javascript' not in html


def test_allowlist_strips_attributes_and_tags():
    html = clean_html(
        '<p onclick="x()" style="color:red">Hi <iframe src="//evil"></iframe><img src=x onerror=alert(1)></p>'
    )
    assert html == '<p>Hi <img src="x"></p>'


def test_helpers():
    assert slugify("Čištění filtru pračky!") == "cisteni-filtru-pracky"
    assert clean_tags("Router,  WIFI , router,") == ["router", "wifi"]
    assert ("-", "old") in diff_lines("old\nsame", "new\nsame").lines
    assert ("+", "new") in diff_lines("old", "new").lines
    assert plain_text("<p>a &amp; b</p><p>c</p>") == "a & b c"

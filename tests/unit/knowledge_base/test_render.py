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
    assert html == "<p>Hi </p>"  # an image from anywhere but /kb/images/ is dropped


def test_helpers():
    assert slugify("Čištění filtru pračky!") == "cisteni-filtru-pracky"
    assert clean_tags("Router,  WIFI , router,") == ["router", "wifi"]
    assert ("-", "old") in diff_lines("old\nsame", "new\nsame").lines
    assert ("+", "new") in diff_lines("old", "new").lines
    assert plain_text("<p>a &amp; b</p><p>c</p>") == "a & b c"


def hrefs(html: str) -> list[str]:
    import re

    return re.findall(r'href="([^"]*)"', html)


def test_only_http_https_and_mailto_links_survive_linkify():
    html = render_markdown(
        "bare data:evil.example.com/x and ssh:host.example.com and ssh://host.example.com/x, "
        "irc://chat.example.org and ftp://files.example.org/a; fine: www.example.com, "
        "mailto:help@example.com and https://ok.example.org/help"
    )
    assert hrefs(html) == ["http://www.example.com", "mailto:help@example.com", "https://ok.example.org/help"]
    assert all('rel="nofollow noopener"' in tag for tag in html.split("<a ")[1:])


def test_autolinks_and_markdown_links_with_other_schemes_become_text():
    html = render_markdown(
        "<ssh://host.example.com> <https://ok.example.org> [x](irc://chat.example.org) "
        "[y](data:image/png;base64,AAAA) [z](/kb/a/relative) <help@example.com>"
    )
    assert hrefs(html) == ["https://ok.example.org", "/kb/a/relative", "mailto:help@example.com"]
    assert html.count("<a ") == 3 and "ssh://host.example.com" in html


def test_allowed_href():
    from knowledge_base.sanitize import allowed_href

    assert allowed_href("https://x.org") and allowed_href("MAILTO:a@b.cz") and allowed_href("/kb/a/x")
    assert not allowed_href("ssh://x.org") and not allowed_href("data:text/html,x") and not allowed_href("")
    assert not allowed_href("java\nscript:alert(1)")

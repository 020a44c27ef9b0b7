"""The HTML allowlist on its own (clean_html also guards HTML that did not come from Markdown)."""

import pytest

from knowledge_base.sanitize import clean_html


@pytest.mark.parametrize(
    "html",
    [
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        '<img src="javascript:alert(1)">',
    ],
)
def test_script_urls_are_dropped(html):
    cleaned = clean_html(html).lower()
    assert "javascript:" not in cleaned and "vbscript:" not in cleaned and "data:" not in cleaned


def test_allowed_schemes_stay():
    cleaned = clean_html('<a href="mailto:help@example.com">m</a> <a href="https://example.com/a">h</a>')
    assert 'href="mailto:help@example.com"' in cleaned and 'href="https://example.com/a"' in cleaned

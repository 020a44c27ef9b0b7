"""Every XSS payload in tests/data/xss renders inert: in bodies, titles, tags, comments, queries."""

from html.parser import HTMLParser
from pathlib import Path

import pytest

from knowledge_base.render import render_markdown
from knowledge_base.sanitize import ALLOWED_TAGS
from tests.conftest import csrf_token
from tests.integration.kb_helpers import publish_article

XSS_DIR = Path(__file__).resolve().parents[1] / "data" / "xss"  # vendored, see SOURCES.md
OWN_SCRIPT = '<script src="/static/js/portal.js" defer></script>'


def payloads(name: str) -> list[str]:
    path = XSS_DIR / name
    if not path.exists():
        pytest.fail(f"missing XSS payload list {path}")
    return [line for line in path.read_text("utf-8", errors="replace").splitlines() if line.strip()]


class Inspector(HTMLParser):
    """Collects anything that could run: tags outside the allowlist, on* handlers, script URLs."""

    def __init__(self, allowed: frozenset | None):
        super().__init__(convert_charrefs=True)
        self.allowed, self.problems = allowed, []

    def handle_starttag(self, tag, attrs):
        if self.allowed is not None and tag not in self.allowed:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"handler {name}")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value:
                cleaned = "".join(value.split()).lower()
                if cleaned.startswith(("javascript:", "vbscript:", "data:text")):
                    self.problems.append(f"{name}={value[:40]}")


def problems(html: str, allowed: frozenset | None = None) -> list[str]:
    inspector = Inspector(allowed)
    inspector.feed(html.replace(OWN_SCRIPT, ""))
    inspector.close()
    if allowed is None and "<script" in html.replace(OWN_SCRIPT, "").lower():
        inspector.problems.append("script element")
    return inspector.problems


@pytest.mark.parametrize(
    "name", ["payloadbox-xss-payload-list.txt", "payloadsallthethings-xss-intruders.txt"]
)
def test_every_payload_in_markdown_renders_inert(name):
    bad = {}
    for payload in payloads(name):
        found = problems(render_markdown(payload), ALLOWED_TAGS)
        if found:
            bad[payload] = found
    assert bad == {}


def test_payloads_in_titles_tags_bodies_and_comments_stay_text(app, client_as, db):
    samples = payloads("payloadsallthethings-xss-intruders.txt")
    body = "\n\n".join(samples)
    article = publish_article(app, db, slug="xss", title=samples[0][:200], tags=samples[1:6], body=body)
    customer = client_as("customer")
    token = csrf_token(customer, "/kb/en/a/xss")
    customer.post("/kb/en/a/xss/feedback", data={"helpful": "no", "comment": samples[2], "csrf_token": token})
    for page in ("/kb/en/a/xss", "/kb/en/", "/kb/en/c/networking"):
        assert problems(customer.get(page).get_data(as_text=True)) == []
    staff = client_as("agent").get("/staff/kb/xss/revisions?locale=en").get_data(as_text=True)
    assert problems(staff) == []
    assert article.body_html.count("<p>") > 100


def test_payloads_in_search_queries_are_never_reflected_raw(app, client):
    for payload in payloads("payloadsallthethings-xss-intruders.txt")[:300]:
        response = client.get("/kb/en/search", query_string={"q": payload})
        assert response.status_code == 200
        assert problems(response.get_data(as_text=True)) == [], payload

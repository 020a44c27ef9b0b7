"""Every main page of every role fits a 360 px phone: no sideways scrolling of the page itself.

Wide tables may scroll inside their own box (`.table-scroll`); nothing else may stick out.
"""

import re

import pytest
from playwright.sync_api import expect

from portal.models import LinkSuggestion, SuggestionState
from tests.conftest import TEST_PASSWORD
from tests.integration.marketing_helpers import article_with_suggestions
from tests.integration.requests_helpers import catalog, make_request, own

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 360, 740

#: Elements whose right edge passes the viewport, unless a scrolling (or clipping) box holds them.
OVERFLOW_PROBE = """() => {
  const vw = document.documentElement.clientWidth;
  const clips = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      const scrolls = x === 'auto' || x === 'scroll' || x === 'hidden';
      if (scrolls && p.getBoundingClientRect().right <= vw + 0.5) return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className ? '.' + el.className.trim().replace(/ +/g, '.') : '');
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right > vw + 0.5 && !clips(el)) out.push(name(el) + ' right=' + Math.round(r.right));
  }
  return {scrollWidth: document.documentElement.scrollWidth, offenders: out.slice(0, 8)};
}"""


def log_in(page, email):
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))


@pytest.fixture
def world(app, db, users):
    """A request with a long subject, a published article with link suggestions, a product."""
    items = catalog(db)
    own(db, users["customer"], items["washer"])
    db.commit()
    request = make_request(
        app,
        db,
        users["customer"],
        subject="Washer leaks a lot of water onto the kitchen floor after every single programme",
        category="laundry",
    )
    body = (
        "A storm flooded the street and vandals broke the washing machine in the laundry.\n\n"
        "Place the router high on a shelf for a better signal."
    )
    article, _suggestions = article_with_suggestions(app, db, body=body)
    blocked = db.query(LinkSuggestion).filter(LinkSuggestion.state == SuggestionState.BLOCKED).count()
    assert blocked >= 1  # the review page shows a reason sentence
    return {"ref": request.reference, "slug": article.slug, "user_id": users["customer"].id}


MAIL_ADMIN_PAGES = (
    ("admin.mailboxes", "/admin/mailboxes"),
    ("admin.mailboxes", "/admin/mailboxes/new"),
    ("admin.mailboxes", "/admin/mailboxes/quarantine"),
    ("admin.outbox_page", "/admin/outbox"),
    ("admin.customer_priorities", "/admin/priorities"),
)


def pages_for(role, w, app):
    """The main pages of `role`."""
    if role == "customer":
        return [
            "/",
            "/requests",
            "/requests/new",
            f"/requests/{w['ref']}",
            "/kb/en/",
            f"/kb/en/a/{w['slug']}",
            "/kb/en/search?q=router",
            "/account",
        ]
    if role == "agent":
        return [
            "/staff/",
            "/staff/requests",
            f"/staff/requests/{w['ref']}",
            "/staff/canned",
            "/staff/requests/new",
            "/staff/kb",
            "/staff/kb/new",
            f"/staff/kb/{w['slug']}/edit",
            f"/staff/kb/{w['slug']}/revisions",
        ]
    if role == "marketer":
        return [
            "/staff/",
            "/marketing/suggestions",
            "/marketing/suggestions?state=blocked",
            "/marketing/offers",
            "/marketing/offers/new",
            f"/marketing/preview/{w['slug']}",
            "/marketing/reports",
            "/marketing/blocklist",
        ]
    admin = ["/staff/", "/admin/users", f"/admin/users/{w['user_id']}", "/admin/catalog", "/admin/sla"]
    admin += ["/admin/audit", "/marketing/blocklist"]
    for endpoint, path in MAIL_ADMIN_PAGES:
        if endpoint in app.view_functions:
            admin.append(path)
    return admin


@pytest.mark.parametrize("role", ["customer", "agent", "marketer", "admin"])
def test_every_main_page_fits_360_px(app, page, world, role):
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    log_in(page, f"{role}@example.com")
    problems = {}
    for path in pages_for(role, world, app):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        found = page.evaluate(OVERFLOW_PROBE)
        if found["scrollWidth"] > WIDTH or found["offenders"]:
            problems[path] = found
    assert problems == {}


def test_the_collapsed_menu_opens_on_a_phone(page, world):
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    log_in(page, "admin@example.com")
    audit = page.locator(".site-nav").get_by_role("link", name="Audit log")
    expect(audit).to_be_hidden()
    page.get_by_text("Menu").click()
    expect(audit).to_be_visible()
    audit.click()
    page.wait_for_url(re.compile(r"/admin/audit"))

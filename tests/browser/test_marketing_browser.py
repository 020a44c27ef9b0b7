"""The marketing loop in Chromium: approve → the right customer sees the link → click → report."""

import re

import pytest
from sqlalchemy import select

from portal.models import LinkSuggestion, Offer
from tests.conftest import TEST_PASSWORD
from tests.integration.marketing_helpers import article_with_suggestions, open_request_about

pytestmark = pytest.mark.browser


def log_in(browser, live_server, email):
    page = browser.new_context(base_url=live_server.url).new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))
    return page


def test_approved_link_reaches_the_right_customers_and_counts_clicks(app, db, users, browser, live_server):
    _article, suggestions = article_with_suggestions(app, db)
    router = db.scalar(select(Offer).where(Offer.code == "router"))
    router.url = f"{live_server.url}/healthz?landing=router"  # a landing page this sandbox can reach
    db.commit()

    marketer = log_in(browser, live_server, "marketer@example.com")
    marketer.goto("/marketing/suggestions?state=pending")
    row = marketer.locator("tr", has_text="Place the router high")
    row.get_by_role("button", name="Approve").click()
    marketer.get_by_role("button", name="Approve").first.click()  # the washing-machine sentence too
    db.expire_all()
    assert {s.state.value for s in db.scalars(select(LinkSuggestion))} == {"approved"}

    customer = log_in(browser, live_server, "customer@example.com")
    customer.goto("/kb/en/a/care")
    link = customer.get_by_role("link", name=re.compile(r"^router"))
    assert link.get_attribute("rel") == "sponsored noopener"
    assert "(sponsored)" in link.inner_text()
    assert customer.get_by_role("link", name=re.compile(r"^washing machine")).count() == 1
    link.click()
    customer.wait_for_url(re.compile(r"/healthz\?landing=router"))

    marketer.goto("/marketing/reports")
    marketer.wait_for_load_state("load")
    assert marketer.evaluate("Chart.getChart(document.getElementById('offer-chart')) !== undefined")
    offer_row = marketer.locator("tr", has=marketer.locator("td", has_text=re.compile(r"^router$")))
    assert offer_row.first.locator("td").nth(6).inner_text() == "1"

    no_consent = log_in(browser, live_server, "customer2@example.com")
    no_consent.goto("/kb/en/a/care")
    assert no_consent.locator("a[rel~=sponsored]").count() == 0

    open_request_about(db, users["customer"], "washing-machine")
    customer.goto("/kb/en/a/care")
    assert customer.get_by_role("link", name=re.compile(r"^washing machine")).count() == 0
    assert customer.get_by_role("link", name=re.compile(r"^router")).count() == 1

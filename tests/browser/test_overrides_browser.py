"""In Chromium: a marketer links a blocked suggestion anyway, and the customer sees the link."""

import re

import pytest
from sqlalchemy import select

from portal.models import LinkOverride, LinkSuggestion, SuggestionState
from tests.browser.test_marketing_browser import log_in
from tests.integration.marketing_helpers import article_with_suggestions

pytestmark = pytest.mark.browser

TRAGEDY = "A man died in a fire caused by a washing machine.\n\nThe router was fine."


def test_marketer_overrides_a_blocked_suggestion_and_the_customer_sees_the_link(
    app, db, users, browser, live_server
):
    _article, suggestions = article_with_suggestions(app, db, body=TRAGEDY)
    assert suggestions["washing-machine"].state == SuggestionState.BLOCKED
    customer = log_in(browser, live_server, "customer@example.com")
    customer.goto("/kb/en/a/care")
    assert customer.locator("a[rel~=sponsored]").count() == 0

    marketer = log_in(browser, live_server, "marketer@example.com")
    marketer.goto("/marketing/suggestions?state=blocked")
    row = marketer.locator("tr", has_text="caused by a washing machine")
    row.get_by_role("link", name="Link anyway").click()
    marketer.wait_for_url(re.compile(r"/override$"))
    assert marketer.get_by_text("A death or an injury is mentioned in this paragraph.").count() == 1
    box = marketer.get_by_label(re.compile(r"^Why is this link right here"))
    box.fill("too short")
    marketer.get_by_role("button", name="Link anyway").click()
    assert marketer.get_by_role("alert").filter(has_text="at least 20 characters").count() == 1
    assert box.input_value() == "too short"  # the input is kept
    box.fill("Fire-safety article: the new washer is what readers need here.")
    marketer.get_by_role("button", name="Link anyway").click()
    marketer.wait_for_url(re.compile(r"/marketing/suggestions\?state=blocked$"))
    assert marketer.get_by_text("Linked anyway.").count() == 1
    db.expire_all()
    washer = db.get(LinkSuggestion, suggestions["washing-machine"].id)
    assert washer.state == SuggestionState.APPROVED
    assert db.scalar(select(LinkOverride)).user_id == users["marketer"].id

    customer.goto("/kb/en/a/care")
    link = customer.get_by_role("link", name=re.compile(r"^washing machine"))
    assert link.count() == 1 and link.get_attribute("rel") == "sponsored noopener"

    marketer.goto("/marketing/overrides")
    stats = marketer.locator("tr[data-reason='document:tragedy']")
    assert stats.locator("td").nth(2).inner_text() == "1"
    marketer.locator("table.override-items").get_by_role("button", name="Revoke").click()
    marketer.wait_for_url(re.compile(r"/marketing/overrides"))
    customer.goto("/kb/en/a/care")
    assert customer.locator("a[rel~=sponsored]").count() == 0

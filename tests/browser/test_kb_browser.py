"""Knowledge base in Chromium: payloads stay inert, suggestions appear while typing, inflected search."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import TEST_PASSWORD
from tests.integration.kb_helpers import publish_article
from tests.integration.test_kb_xss import payloads

pytestmark = pytest.mark.browser


def test_no_payload_opens_a_dialog(app, db, page):
    samples = payloads("payloadsallthethings-xss-intruders.txt")
    publish_article(app, db, slug="xss", title=samples[0][:200], tags=samples[1:6], body="\n\n".join(samples))
    page.goto("/kb/en/a/xss")
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    for payload in samples[:40]:
        page.goto("/kb/en/search?q=" + re.sub(r"[#&%]", "", payload)[:180])
    # the `page` fixture fails the test if any dialog opened


def test_request_form_suggests_articles_while_typing(app, db, page, users):
    publish_article(
        app,
        db,
        slug="router-drops",
        title="Router keeps dropping the connection",
        body="Restart the router and move it away from thick walls.",
    )
    page.goto("/login")
    page.get_by_label("Email").fill("customer@example.com")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/requests/new")
    page.get_by_label("Subject").press_sequentially("router connection drops", delay=20)
    suggestion = page.get_by_role("link", name="Router keeps dropping the connection")
    suggestion.wait_for(timeout=5000)
    assert suggestion.get_attribute("href") == "/kb/en/a/router-drops?from=suggest"


def test_polish_reader_finds_an_article_with_an_inflected_query(app, db, browser, live_server):
    publish_article(
        app,
        db,
        slug="filtr-pralki",
        locale="pl",
        title="Jak wyczyścić filtr pralki",
        body="Odłącz pralkę od prądu i otwórz klapkę.",
        tags=["pralka"],
    )
    context = browser.new_context(base_url=live_server.url, locale="pl-PL")
    page = context.new_page()
    page.goto("/kb")  # the old address: to the reader's language
    page.get_by_role("searchbox").fill("pralkami")
    page.get_by_role("button", name="Szukaj").click()
    expect(page.get_by_role("link", name="Jak wyczyścić filtr pralki")).to_be_visible()
    context.close()


def test_other_languages_link_opens_the_polish_version_in_an_english_interface(app, db, browser, live_server):
    publish_article(app, db, slug="drum-care", title="Caring for the drum", key="drum-care")
    publish_article(
        app, db, slug="pielegnacja-bebna", locale="pl", title="Pielęgnacja bębna", key="drum-care"
    )
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.goto("/kb/en/a/drum-care")
    page.get_by_role("link", name="Polski: Pielęgnacja bębna").click()
    page.wait_for_url(re.compile(r"/kb/pl/a/pielegnacja-bebna$"))
    expect(page.get_by_role("heading", name="Pielęgnacja bębna")).to_be_visible()
    expect(page.locator("article.kb-article")).to_have_attribute("lang", "pl")
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the interface stays the reader's
    expect(page.get_by_role("heading", name="Was this helpful?")).to_be_visible()
    context.close()

"""The article editor's live preview in Chromium: rendered by the server, inert for payloads, no save."""

import re

import pytest
from playwright.sync_api import expect

from knowledge_base.models import Article
from tests.conftest import TEST_PASSWORD
from tests.integration.kb_helpers import publish_article

pytestmark = pytest.mark.browser


def test_the_preview_renders_while_typing_and_saves_nothing(app, db, page, users):
    article = publish_article(app, db, body="Old text.")
    page.goto("/login")
    page.get_by_label("Email").fill("agent@example.com")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/staff/kb/router-tips/edit?locale=en")
    preview = page.locator("#kb-preview")
    body = page.get_by_label("Text (Markdown)")
    body.fill("")
    body.press_sequentially("Hold **reset** <img src=x onerror=alert(1)>", delay=5)
    expect(preview.locator("strong")).to_have_text("reset")  # rendered by the server while typing
    expect(preview.locator("img")).to_have_count(0)  # raw HTML stays text (a dialog would fail the test)
    body.fill("Now *press* it.")
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(preview.locator("em")).to_have_text("press")
    expect(page).to_have_url(re.compile(r"/edit\?locale=en$"))  # the page stayed, nothing was posted
    db.expire_all()
    assert len(db.get(Article, article.id).revisions) == 1

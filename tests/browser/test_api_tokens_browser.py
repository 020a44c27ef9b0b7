"""API tokens from the account page in a real Chromium: create, use once shown, revoke."""

import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_create_use_and_revoke_a_token(page, live_server, users):
    page.goto("/login")
    page.get_by_label("Email").fill("customer@example.com")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/account")
    page.get_by_label("Token name").fill("CRM sync")
    page.get_by_label(re.compile(r"^requests:read")).check()
    page.get_by_label("Expires after").select_option("7")
    page.get_by_role("button", name="Create token").click()

    secret = page.locator("code.token-secret").inner_text()
    assert re.fullmatch(r"shk_[0-9a-f]{12}_[A-Za-z0-9_-]+", secret)
    api = f"{live_server.url}/api/v1/requests"
    assert httpx.get(api, headers={"Authorization": f"Bearer {secret}"}).status_code == 200

    page.goto("/account")
    expect(page.locator("code.token-secret")).to_have_count(0)  # shown once
    expect(page.get_by_role("cell", name=re.compile("CRM sync"))).to_be_visible()
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("The token CRM sync is revoked.")).to_be_visible()
    assert httpx.get(api, headers={"Authorization": f"Bearer {secret}"}).status_code == 401

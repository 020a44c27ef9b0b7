"""The data download, erasure and a webhook subscription, clicked through in a real Chromium."""

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.models import User, WebhookSubscription
from tests.conftest import TEST_PASSWORD
from tests.integration.requests_helpers import catalog, make_request

pytestmark = pytest.mark.browser


def log_in(page, email):
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))


def test_customer_downloads_their_data_and_an_admin_erases_them(page, app, db, users):
    catalog(db)
    request = make_request(app, db, users["customer"], subject="Drum squeaks")
    log_in(page, "customer@example.com")
    page.goto("/account")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my data").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    requests = json.loads(archive.read("requests.json"))
    assert [r["reference"] for r in requests] == [request.reference]
    page.get_by_role("button", name="Log out").click()

    log_in(page, "admin@example.com")
    page.goto(f"/admin/users/{users['customer'].id}")
    page.get_by_role("link", name="Erase this person…").click()
    page.get_by_label("Type the account's email address to confirm").fill("customer@example.com")
    page.get_by_label("Reason").fill("Asked for erasure by mail on 2026-11-30")
    page.get_by_role("button", name="Erase for good").click()
    page.wait_for_url(re.compile(rf"/admin/users/{users['customer'].id}$"))
    expect(page.get_by_text("The person was erased")).to_be_visible()
    db.expire_all()
    assert db.get(User, users["customer"].id).name == f"erased-{users['customer'].id}"


def test_admin_subscribes_a_webhook_and_sees_the_secret_once(page, app, db, users):
    log_in(page, "admin@example.com")
    page.get_by_role("link", name="Webhooks").click()
    page.get_by_label("Receiver address (URL)").fill("https://crm.example.com/hooks")
    page.get_by_label("request.created").check()
    page.get_by_role("button", name="Subscribe").click()
    secret = page.locator("#webhook-secret").inner_text()
    assert secret.startswith("whsec_") and db.scalar(select(WebhookSubscription)).secret == secret
    page.get_by_role("link", name="I have copied it").click()
    expect(page.get_by_role("button", name="Send test event")).to_be_visible()
    assert secret not in page.content()

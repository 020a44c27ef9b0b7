"""Accounts in a real Chromium."""

import re

import pytest
from playwright.sync_api import expect

from portal.mail import wait_for_deferred

pytestmark = pytest.mark.browser


def mailed_path(app, smtp, pattern: str) -> str:
    """The path of the link in the only mail received (links carry PORTAL_BASE_URL, not the test server)."""
    wait_for_deferred(app)
    assert len(smtp.messages) == 1
    body = smtp.messages[0].get_body(("plain",)).get_content()
    return re.search(r"http://127\.0\.0\.1:5000(" + pattern + r"\S+)", body).group(1)


def test_register_confirm_login_logout(page, app, mail_to_smtp):
    page.goto("/register")
    page.get_by_label("Name").fill("Browser User")
    page.get_by_label("Email").fill("browser@example.com")
    page.get_by_label("Password", exact=True).fill("tulip-orbit-kettle-93")
    page.get_by_label("Confirm password").fill("tulip-orbit-kettle-93")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/login"))
    expect(page.get_by_text("Check your mailbox")).to_be_visible()

    page.goto(mailed_path(app, mail_to_smtp, "/confirm/"))
    page.get_by_role("button", name="Confirm and log in").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_role("link", name="Browser User")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_role("link", name="Log in", exact=True)).to_be_visible()

    page.goto("/login")
    page.get_by_label("Email").fill("browser@example.com")
    page.get_by_label("Password").fill("tulip-orbit-kettle-93")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_reset_password_through_the_mailed_link(page, app, users, mail_to_smtp):
    page.goto("/reset-password")
    page.get_by_label("Email").fill("customer@example.com")
    page.get_by_role("button", name="Send the link").click()
    page.wait_for_url(re.compile(r"/login"))

    page.goto(mailed_path(app, mail_to_smtp, "/reset-password/"))
    page.get_by_label("New password").fill("my-fresh-passphrase")
    page.get_by_label("Confirm password").fill("my-fresh-passphrase")
    page.get_by_role("button", name="Save the new password").click()
    page.wait_for_url(re.compile(r"/login"))
    page.get_by_label("Email").fill("customer@example.com")
    page.get_by_label("Password").fill("my-fresh-passphrase")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_language_picker_switches_to_polish_without_inline_script(page):
    page.goto("/")
    with page.expect_navigation():
        page.select_option("#locale", "pl")
    expect(page.get_by_role("heading", name="W czym możemy pomóc?")).to_be_visible()

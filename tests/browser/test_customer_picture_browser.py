"""In Chromium: a customer registers a product; an agent finds them by serial and sees the whole picture."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.test_request_loop import log_in
from tests.integration.requests_helpers import catalog, make_request

pytestmark = pytest.mark.browser


def test_customer_registers_and_agent_sees_products_warranty_requests_and_class(
    browser, live_server, app, db, users
):
    items = catalog(db)
    items["washer"].serial_pattern = "WM-[0-9]{6}"
    db.commit()
    found = make_request(app, db, users["customer"], subject="Drum noise")

    customer = browser.new_context(base_url=live_server.url).new_page()
    log_in(customer, "customer@example.com")
    customer.get_by_role("link", name="My products").click()
    customer.get_by_label("Product").select_option(label="AquaClean washer")
    customer.get_by_label("Serial number").fill("wm-12345")
    customer.get_by_label("Purchase date").fill((date.today() - timedelta(days=30)).isoformat())
    customer.get_by_role("button", name="Register").click()
    expect(customer.get_by_text("This does not look like a serial number")).to_be_visible()
    expect(customer.get_by_label("Serial number")).to_have_value("wm-12345")  # kept what was typed
    customer.get_by_label("Serial number").fill("wm-123456")
    customer.get_by_role("button", name="Register").click()
    expect(customer.get_by_role("cell", name="WM-123456")).to_be_visible()
    expect(customer.get_by_text(re.compile("in warranty until"))).to_be_visible()

    agent = browser.new_context(base_url=live_server.url).new_page()
    log_in(agent, "agent@example.com")
    agent.get_by_role("link", name="Customers").click()
    agent.get_by_label("Search").fill("WM-1234")
    agent.get_by_role("button", name="Search").click()
    agent.get_by_role("link", name="Customer", exact=True).click()
    expect(agent.get_by_role("heading", name="Customer", exact=True)).to_be_visible()
    expect(agent.get_by_role("cell", name="WM-123456")).to_be_visible()
    expect(agent.get_by_role("link", name=found.reference)).to_be_visible()
    expect(agent.get_by_text("not classified yet")).to_be_visible()
    agent.get_by_label("Internal note about the customer").fill("Calls in the mornings")
    agent.get_by_role("button", name="Add the note").click()
    expect(agent.get_by_text("Calls in the mornings")).to_be_visible()

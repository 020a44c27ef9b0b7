"""The whole request loop in Chromium: raise with a photo, answer with a canned response, rate."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.models import CannedResponse, RequestStatus, ServiceRequest
from tests.conftest import TEST_PASSWORD
from tests.integration.requests_helpers import catalog, own, png_bytes

pytestmark = pytest.mark.browser


def log_in(page, email):
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))


def test_customer_raises_agent_resolves_customer_rates(
    browser, live_server, db, users, mail_to_smtp, tmp_path
):
    items = catalog(db)
    own(db, users["customer"], items["washer"])
    db.add(
        CannedResponse(
            title="Filter cleaning", body="Hello {customer_name}, please clean the pump filter ({reference})."
        )
    )
    db.commit()
    photo = tmp_path / "leak.png"
    photo.write_bytes(png_bytes())

    customer = browser.new_context(base_url=live_server.url).new_page()
    log_in(customer, "customer@example.com")
    customer.goto("/requests/new")
    customer.get_by_label("Subject").fill("Water under my washer")
    customer.get_by_label("Describe the problem").fill("A puddle appears after every wash.")
    serial = f"SN-{users['customer'].id}"  # registered products come first, with their warranty state
    customer.get_by_label("Product").select_option(
        label=f"Mine: AquaClean washer ({serial}), warranty unknown"
    )
    customer.get_by_label("Attachments").set_input_files(str(photo))
    customer.get_by_role("button", name="Send the request").click()
    customer.wait_for_url(re.compile(r"/requests/SR-"))
    reference = customer.url.rsplit("/", 1)[1]
    expect(customer.get_by_role("img", name="leak.png")).to_be_visible()

    agent = browser.new_context(base_url=live_server.url).new_page()
    log_in(agent, "agent@example.com")
    agent.goto("/staff/requests")
    agent.get_by_role("link", name=reference).click()
    agent.get_by_label("Insert a canned response").select_option(label="Filter cleaning")
    # the canned text is filled in by a script: wait for it rather than read the field at once
    expect(agent.get_by_label("Message")).to_have_value(re.compile("please clean the pump filter"))
    agent.get_by_label("Status").select_option("resolved")
    agent.get_by_role("button", name="Save").click()
    agent.wait_for_url(re.compile(reference))
    expect(agent.get_by_text("Saved.")).to_be_visible()

    assert any(
        "please clean the pump filter" in m.get_body(("plain",)).get_content() for m in mail_to_smtp.messages
    )
    customer.goto(f"/requests/{reference}")
    reply = f"Hello Customer, please clean the pump filter ({reference})."
    expect(customer.get_by_text(reply)).to_be_visible()
    customer.get_by_label("Rating").select_option("5")
    customer.get_by_label("Comment (optional)").fill("Fixed in a minute!")
    customer.get_by_role("button", name="Rate").click()
    expect(customer.get_by_text("Thank you for your rating.")).to_be_visible()

    db.expire_all()
    req = db.scalar(select(ServiceRequest).where(ServiceRequest.reference == reference))
    assert req.status == RequestStatus.RESOLVED and req.rating == 5
    assert [e.kind for e in req.events] == ["created", "status", "status", "rating"]

"""An agent's day in Chromium: a saved view of the queue → bulk assign → a macro reply."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.models import CannedResponse, RequestStatus, SavedView, ServiceRequest
from tests.conftest import TEST_PASSWORD
from tests.integration.requests_helpers import catalog, make_request

pytestmark = pytest.mark.browser


def test_agent_works_the_queue_with_a_view_bulk_assign_and_a_macro(app, db, users, page):
    catalog(db)
    first = make_request(app, db, users["customer"], subject="Washer leaks", category="laundry")
    second = make_request(app, db, users["customer2"], subject="Washer is loud", category="laundry")
    elsewhere = make_request(app, db, users["customer2"], subject="Router drops")
    db.add(
        CannedResponse(
            title="Ask for a photo",
            body="Hello {customer_name}, please send a photo of the leak ({reference}).",
            set_status="waiting_on_customer",
            set_tags="photo-needed",
        )
    )
    db.commit()

    page.goto("/login")
    page.get_by_label("Email").fill("agent@example.com")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/staff/$"))
    expect(page.get_by_role("heading", name="Unassigned")).to_be_visible()

    # 1. a saved view: unassigned laundry requests
    page.goto("/staff/requests")
    page.locator("#f-category").select_option(label="Laundry")
    page.locator("#f-assignee").select_option("unassigned")
    page.get_by_role("button", name="Filter").click()
    page.get_by_label("Save these filters as").fill("Laundry to pick up")
    page.get_by_role("button", name="Save view").click()
    expect(page.get_by_text("View “Laundry to pick up” saved.")).to_be_visible()
    page.goto("/staff/requests")  # the view is one click away from the full queue
    page.get_by_role("link", name="Laundry to pick up").click()
    expect(page.get_by_role("link", name=first.reference)).to_be_visible()
    expect(page.get_by_role("link", name=elsewhere.reference)).to_have_count(0)

    # 2. bulk: select all rows of the view, assign them to me
    page.get_by_label("Select all on this page").check()
    expect(page.get_by_label(f"Select {second.reference}")).to_be_checked()
    page.locator("#b-assignee").select_option(label="Agent")
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.get_by_text("Changed 2 requests.")).to_be_visible()
    expect(
        page.get_by_text("Nothing in the queue matches.")
    ).to_be_visible()  # the view shows unassigned only

    # 3. a macro reply on my first request
    page.goto("/staff/requests?assignee=me")
    page.get_by_role("link", name=first.reference).click()
    page.get_by_label("Insert a canned response").select_option(label="Ask for a photo · macro")
    expect(page.get_by_label("Message")).to_have_value(
        f"Hello Customer, please send a photo of the leak ({first.reference})."
    )
    expect(page.get_by_label("Add tags (comma-separated)")).to_have_value("photo-needed")
    expect(page.get_by_label("Status")).to_have_value("waiting_on_customer")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(page.locator(".badge", has_text="Waiting on customer").first).to_be_visible()

    db.expire_all()
    done = db.get(ServiceRequest, first.id)
    assert done.status == RequestStatus.WAITING_ON_CUSTOMER
    assert [t.name for t in done.tags] == ["photo-needed"]
    assert done.messages[0].body.startswith("Hello Customer, please send a photo")
    assert db.get(ServiceRequest, second.id).assignee_id == users["agent"].id
    assert db.get(ServiceRequest, elsewhere.id).assignee_id is None
    assert db.scalar(select(SavedView.query)) == "status=active&category=laundry&assignee=unassigned&sort=due"

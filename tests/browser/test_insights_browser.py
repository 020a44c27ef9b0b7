"""The insights dashboard in Chromium: charts drawn from the data attributes, no CSP violation."""

import re

import pytest

from tests.conftest import TEST_PASSWORD
from tests.integration.insights_helpers import add_request

pytestmark = pytest.mark.browser


def test_admin_sees_a_trend_chart_per_measure(app, db, users, browser, live_server):
    for days, hours in ((1, 1), (2, 3), (3, 2)):
        add_request(db, users["customer"], days_ago=days, first_h=hours, resolved_h=hours * 5, rating=4)
    db.commit()
    page = browser.new_context(base_url=live_server.url).new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto("/login")
    page.get_by_label("Email").fill("admin@example.com")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))
    page.get_by_role("link", name="Insights").click()
    page.wait_for_url(re.compile(r"/staff/insights"))
    page.wait_for_load_state("load")
    drawn = page.evaluate(
        "[...document.querySelectorAll('canvas.insights-chart')].filter(c => Chart.getChart(c)).length"
    )
    assert drawn == page.locator("canvas.insights-chart").count() == 12
    chart = "Chart.getChart(document.querySelectorAll('canvas.insights-chart')[1])"
    first_response = page.evaluate(f"{chart}.data.datasets[0].data.filter(v => v !== null)")
    assert sorted(round(hours, 3) for hours in first_response) == [1, 2, 3]  # median per day, in hours
    page.get_by_label("Period").select_option("7")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"days=7"))
    assert page.locator("tr[data-measure=volume] td").first.inner_text() == "3"
    assert problems == []

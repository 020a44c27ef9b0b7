"""The KPI dashboard: figures from SQL aggregates, filters, the team rule, trends and CSV exports."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from knowledge_base.db import utcnow
from knowledge_base.models import DeflectionEvent
from portal.insights import dashboard, metrics
from portal.insights.filters import InsightFilters
from portal.models import Category, Priority, Product, SearchLog
from tests.conftest import add_agent
from tests.integration.insights_helpers import add_request, reopen


def board_for(app, db, user, **args):
    with app.test_request_context():
        filters = InsightFilters.from_args(args, utcnow())
        return dashboard.build(db, user, filters, utcnow())


@pytest.fixture
def three_requests(db, users):
    """First responses after 1, 2 and 3 hours; resolutions after 10, 20 and 30 hours; ratings 5, 4, 2."""
    customer, admin = users["customer"], users["admin"]
    made = [
        add_request(db, customer, days_ago=2, first_h=1, resolved_h=10, rating=5, assignee_id=admin.id),
        add_request(db, customer, days_ago=3, first_h=2, resolved_h=20, rating=4),
        add_request(db, customer, days_ago=4, first_h=3, resolved_h=30, rating=2),  # resolution late (24 h)
    ]
    reopen(db, made[0])
    db.commit()
    return made


def test_summary_figures(app, db, users, three_requests):
    board = board_for(app, db, users["admin"])
    now = board.current
    assert now["volume"] == 3
    assert now["first_response_median"] == pytest.approx(2)
    assert now["first_response_p90"] == pytest.approx(3)
    assert now["resolution_median"] == pytest.approx(20)
    assert now["resolution_p90"] == pytest.approx(30)
    assert now["sla_first"] == pytest.approx(1)
    assert now["sla_resolution"] == pytest.approx(2 / 3)
    assert now["reopen_rate"] == pytest.approx(1 / 3)
    assert now["csat_average"] == pytest.approx(11 / 3)
    assert now["csat_top_share"] == pytest.approx(2 / 3)
    assert board.csat_distribution == {1: 0, 2: 1, 3: 0, 4: 1, 5: 1}
    assert board.previous["volume"] == 0 and board.previous["first_response_median"] is None


def test_percentiles_are_nearest_rank_on_every_database(app, db, users):
    for hours in range(1, 11):  # 1..10 hours
        add_request(db, users["customer"], days_ago=1, first_h=hours)
    db.commit()
    board = board_for(app, db, users["admin"])
    assert board.current["first_response_median"] == pytest.approx(5)  # 5th of 10
    assert board.current["first_response_p90"] == pytest.approx(9)  # 9th of 10


def test_an_unanswered_request_misses_its_target_once_the_due_time_passed(app, db, users):
    add_request(db, users["customer"], days_ago=1)  # first response due 4 h after: missed
    add_request(db, users["customer"], days_ago=0.01, first_due_h=4)  # still inside its target
    db.commit()
    found = metrics.sla_compliance(metrics.Scope(db, utcnow().replace(year=2000), utcnow(), (), utcnow()))
    assert found[None]["first_missed"] == 1 and found[None]["first_met"] == 0


def test_previous_period_sits_beside_the_current_one(app, db, users):
    add_request(db, users["customer"], days_ago=3, first_h=1)
    add_request(db, users["customer"], days_ago=10, first_h=5)  # previous 7-day period
    add_request(db, users["customer"], days_ago=20, first_h=9)  # outside both
    db.commit()
    board = board_for(app, db, users["admin"], days="7")
    assert board.current["volume"] == 1 and board.previous["volume"] == 1
    assert board.current["first_response_median"] == pytest.approx(1)
    assert board.previous["first_response_median"] == pytest.approx(5)
    assert dashboard.change("first_response_median", 1, 5) == (-4, "better")


def test_filters_narrow_the_requests(app, db, users):
    laundry = Category(slug="laundry", name="Laundry")
    washer = Product(sku="WM-1", name="Washer", kind="washing-machine")
    db.add_all([laundry, washer])
    db.flush()
    add_request(
        db,
        users["customer"],
        days_ago=1,
        category_id=laundry.id,
        product_id=washer.id,
        priority=Priority.HIGH,
        channel="email",
    )
    add_request(db, users["customer"], days_ago=1)
    db.commit()
    admin = users["admin"]
    assert board_for(app, db, admin, category=str(laundry.id)).current["volume"] == 1
    assert board_for(app, db, admin, product=str(washer.id)).current["volume"] == 1
    assert board_for(app, db, admin, priority="high").current["volume"] == 1
    assert board_for(app, db, admin, channel="email").current["volume"] == 1
    assert board_for(app, db, admin, channel="web").current["volume"] == 1
    assert board_for(app, db, admin, agent="none").current["volume"] == 2
    assert board_for(app, db, admin, agent=str(admin.id)).current["volume"] == 0


def test_bad_filter_values_are_explained_and_ignored(app, db, users):
    board = board_for(
        app, db, users["admin"], category="abc", priority="extreme", to="2026-13-01", **{"from": "x"}
    )
    assert board.current["volume"] == 0
    assert len(board.filters.errors) == 2
    assert board.filters.category is None and board.filters.priority == ""


def test_custom_period(app, db, users):
    add_request(db, users["customer"], days_ago=40)
    db.commit()
    day = (utcnow().date()).fromordinal(utcnow().date().toordinal() - 40).isoformat()
    board = board_for(app, db, users["admin"], **{"from": day, "to": day})
    assert board.current["volume"] == 1 and board.filters.days is None
    assert board.trend_labels == [day]


def test_backlog_is_counted_by_age(app, db, users):
    for days in (0.5, 2, 2.5, 5, 10, 45):
        add_request(db, users["customer"], days_ago=days)
    add_request(db, users["customer"], days_ago=2, resolved_h=3)  # resolved: not backlog
    db.commit()
    board = board_for(app, db, users["admin"])
    assert board.backlog == {"under_1d": 1, "1_3d": 2, "3_7d": 1, "7_30d": 1, "over_30d": 1}


def test_trend_slots_add_up_to_the_period(app, db, users, three_requests):
    board = board_for(app, db, users["admin"], days="7")
    assert len(board.trend_labels) == 7 and board.filters.bucket_days == 1
    assert sum(board.trends["volume"]) == 3
    assert [v for v in board.trends["first_response_median"] if v is not None] == pytest.approx([3, 2, 1])
    assert len(board_for(app, db, users["admin"], days="90").trend_labels) == 13  # weeks


def test_deflection_rate(app, db, users):
    db.add_all(
        [
            DeflectionEvent(form_session="a", kind="opened"),  # read an article, raised nothing: deflected
            DeflectionEvent(form_session="b", kind="opened"),
            DeflectionEvent(form_session="b", kind="submitted"),  # read, raised anyway
            DeflectionEvent(form_session="c", kind="submitted"),  # never read: not in the rate
        ]
    )
    db.commit()
    assert board_for(app, db, users["admin"]).current["deflection_rate"] == pytest.approx(0.5)


# --- the team rule -----------------------------------------------------------------------------


def test_an_agent_sees_only_their_team(app, db, users, client_as):
    other = add_agent(app, db)
    agent = users["agent"]
    add_request(db, users["customer"], days_ago=1, first_h=1, assignee_id=agent.id)
    add_request(db, users["customer"], days_ago=1, first_h=3)  # unassigned: the shared pool
    for _ in range(5):
        add_request(db, users["customer"], days_ago=1, first_h=50, assignee_id=other.id)
    db.commit()
    mine = board_for(app, db, agent)
    assert mine.current["volume"] == 2
    assert mine.current["first_response_p90"] == pytest.approx(3)
    # asking for the other agent's figures gives nothing, not their figures
    assert board_for(app, db, agent, agent=str(other.id)).current["volume"] == 0
    assert board_for(app, db, users["admin"]).current["volume"] == 7
    page = client_as("agent").get(f"/staff/insights?agent={other.id}")
    assert page.status_code == 200
    assert "Agent Two" not in page.get_data(as_text=True)
    rows = list(
        csv.reader(
            io.StringIO(
                client_as("agent").get("/staff/insights/export.csv?table=summary").get_data(as_text=True)
            )
        )
    )
    assert ["volume", "number", "2", "0"] in rows


@pytest.mark.parametrize(
    "role, status", [("customer", 403), ("marketer", 403), ("agent", 200), ("admin", 200)]
)
def test_who_may_open_the_dashboard(client_as, role, status):
    assert client_as(role).get("/staff/insights").status_code == status
    assert client_as(role).get("/staff/insights/export.csv?table=backlog").status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/staff/insights")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- the page, charts and exports ----------------------------------------------------------------


def test_page_shows_figures_and_chart_data(client_as, three_requests):
    html = client_as("admin").get("/staff/insights").get_data(as_text=True)
    assert "2.0 h" in html  # median first response
    assert "<script>" not in html.replace("<script src=", "")  # no inline script (CSP)
    canvases = re.findall(r'<canvas class="insights-chart"[^>]*data-values="([^"]*)"', html)
    assert len(canvases) == len(dashboard.MEASURES)
    volume = json.loads(canvases[0].replace("&#34;", '"').replace("&quot;", '"'))
    assert sum(volume) == 3


def test_every_table_exports_as_csv(client_as, three_requests):
    for table in ("summary", "trends", "backlog", "csat", "searches"):
        response = client_as("admin").get(f"/staff/insights/export.csv?table={table}&days=7")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert len(list(csv.reader(io.StringIO(response.get_data(as_text=True))))) >= 2 or table == "searches"
    assert client_as("admin").get("/staff/insights/export.csv?table=users").status_code == 404


def test_searches_without_result_are_logged_listed_and_escaped_in_csv(app, client, client_as, db, users):
    for query in ("=HYPERLINK(1)", "Dishwasher   SMELL", "dishwasher smell"):
        assert client.get("/kb/en/search", query_string={"q": query}).status_code == 200
    logged = db.query(SearchLog).all()
    assert {r.query for r in logged} == {"=hyperlink(1)", "dishwasher smell"} and all(
        r.results == 0 for r in logged
    )
    db.add(SearchLog(query="kettle", locale="en", results=3))
    db.commit()
    board = board_for(app, db, users["admin"])
    assert board.current["no_result_rate"] == pytest.approx(3 / 4)
    assert board.trends["no_result_rate"][-1] == pytest.approx(3 / 4)
    html = client_as("admin").get("/staff/insights").get_data(as_text=True)
    assert "/staff/kb/new?title=dishwasher+smell" in html
    body = client_as("admin").get("/staff/insights/export.csv?table=searches").get_data(as_text=True)
    assert "dishwasher smell,en,2" in body
    assert "'=hyperlink(1)" in body


def test_write_an_article_prefills_the_title(client_as):
    html = client_as("agent").get("/staff/kb/new?title=dishwasher+smell&locale=pl").get_data(as_text=True)
    assert 'value="dishwasher smell"' in html
    assert re.search(r'<option selected value="pl"|<option value="pl" selected', html)


def test_insights_link_in_the_navigation(client_as):
    assert 'href="/staff/insights"' in client_as("agent").get("/staff/requests").get_data(as_text=True)
    assert 'href="/staff/insights"' not in client_as("customer").get("/requests").get_data(as_text=True)


def test_only_the_first_page_of_a_search_is_logged(client, db):
    client.get("/kb/en/search", query_string={"q": "kettle", "page": "2"})
    assert db.query(SearchLog).count() == 0


@pytest.mark.parametrize("bad", ["64", "64 MB", "1TB", "0MB", "64MB; DROP TABLE users"])
def test_insights_work_mem_setting_is_checked(monkeypatch, bad):
    from portal.config import ConfigurationError, memory_setting

    monkeypatch.setenv("PORTAL_INSIGHTS_WORK_MEM", bad)
    with pytest.raises(ConfigurationError):
        memory_setting("PORTAL_INSIGHTS_WORK_MEM", "64MB")
    monkeypatch.setenv("PORTAL_INSIGHTS_WORK_MEM", "256MB")
    assert memory_setting("PORTAL_INSIGHTS_WORK_MEM", "64MB") == "256MB"

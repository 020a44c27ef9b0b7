"""ABC classification: 80/15/5 boundaries with ties, batches, resuming, the lease, CLI, Pareto, class SLA."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from knowledge_base.db import utcnow
from portal.customers import classify
from portal.models import ClassificationRun, ClassSlaPolicy, CustomerClass, CustomerValue, Priority
from tests.integration.customer_helpers import LONG_AGO, customer, customers_with_values
from tests.integration.requests_helpers import make_request


def classes_of(db, users) -> str:
    db.expire_all()
    return "".join(db.get(CustomerValue, u.id).customer_class.value for u in users)


def run(db, batch_size=50_000, source="orders"):
    found = classify.classify_all(db, source, LONG_AGO, utcnow(), batch_size=batch_size)
    db.commit()
    return found


@pytest.mark.parametrize(
    ("cents", "expected"),
    [
        ([50, 30, 10, 5, 3, 2], "AABBCC"),  # 0/50/80/90/95/98 % ahead of each
        ([79, 19, 2], "AAC"),  # 79 % ahead of the second: it crosses the 80 % line, so it is A
        ([80, 15, 5], "ABC"),  # exactly 80 % ahead is no longer inside A; exactly 95 % not inside B
        ([40, 40, 10, 10], "AABB"),  # ties share a class
        ([30, 30, 30, 10], "AAAB"),
        ([25, 25, 25, 25], "AAAA"),  # everyone equal: nobody is ahead of anybody
        ([100, 0, 0], "ACC"),  # no value, class C
    ],
)
def test_abc_boundaries_with_ties(app, db, cents, expected):
    users = customers_with_values(app, db, cents)
    run(db, batch_size=2)  # several batches in both phases
    assert classes_of(db, users) == expected


def test_nobody_with_value_is_all_c(app, db):
    users = customers_with_values(app, db, [0, 0])
    found = run(db)
    assert classes_of(db, users) == "CC" and found.a_min_cents is None and found.phase == "done"


def test_old_orders_outside_the_window_do_not_count(app, db):
    users = customers_with_values(app, db, [10, 90])
    from portal.models import OrderTotal

    db.scalar(select(OrderTotal).where(OrderTotal.user_id == users[1].id)).ordered_on = LONG_AGO - timedelta(
        days=1
    )
    db.commit()
    run(db)
    assert classes_of(db, users) == "AC"


def test_product_prices_are_the_default_value_source(app, db):
    from tests.integration.requests_helpers import catalog

    products = catalog(db)
    products["washer"].price_cents, products["router"].price_cents = 90_000, 10_000
    rich, poor = customer(app, db, "Rich"), customer(app, db, "Poor")
    from portal.models import CustomerProduct

    db.add_all(
        [
            CustomerProduct(user_id=rich.id, product_id=products["washer"].id, purchased_on=utcnow().date()),
            CustomerProduct(user_id=poor.id, product_id=products["router"].id, purchased_on=utcnow().date()),
        ]
    )
    db.commit()
    run(db, source=app.config["CUSTOMER_VALUE_SOURCE"])
    assert db.get(CustomerValue, rich.id).value_cents == 90_000
    assert classes_of(db, [rich, poor]) == "AB"


def test_an_interrupted_run_resumes_where_it_stopped(app, db):
    users = customers_with_values(app, db, [50, 30, 10, 5, 3, 2])
    now = utcnow()
    first = classify.begin(db, "orders", LONG_AGO, "cron-1", now)
    classify.step(db, first, 2, "cron-1", now)
    db.commit()
    position = first.last_user_id
    # the process dies; its lease runs out; the next cron job (the next day) resumes the same run
    later = now + classify.LEASE + timedelta(seconds=1)
    resumed = classify.begin(db, "orders", LONG_AGO + timedelta(days=1), "cron-2", later)
    assert resumed.id == first.id and resumed.last_user_id == position and resumed.window_start == LONG_AGO
    while classify.step(db, resumed, 2, "cron-2", later):
        db.commit()
    db.commit()
    assert classes_of(db, users) == "AABBCC"
    assert db.scalar(select(ClassificationRun.phase).where(ClassificationRun.id == first.id)) == "done"


def test_a_second_job_cannot_work_while_the_first_holds_the_lease(app, db):
    customers_with_values(app, db, [1, 2])
    now = utcnow()
    first = classify.begin(db, "orders", LONG_AGO, "cron-1", now)
    db.commit()
    with pytest.raises(classify.RunBusy):
        classify.begin(db, "orders", LONG_AGO, "cron-2", now + timedelta(minutes=1))
    db.rollback()
    with pytest.raises(classify.RunBusy):
        classify.step(db, db.get(ClassificationRun, first.id), 10, "cron-2", now + timedelta(minutes=1))


def test_unknown_value_source_is_refused(app, db):
    with pytest.raises(ValueError, match="unknown value source"):
        classify.begin(db, "products+magic", LONG_AGO, "x", utcnow())


def test_cli_classifies_with_a_progress_bar_and_resumes(app, db):
    users = customers_with_values(app, db, [50, 30, 10, 5, 3, 2])
    result = app.test_cli_runner().invoke(args=["customers", "classify", "--batch-size", "100"])
    assert result.exit_code == 0, result.output
    assert "Classifying" in result.output and "A: 2, B: 2, C: 2" in result.output
    assert classes_of(db, users) == "AABBCC"


def test_pareto_page_draws_server_side_svg(app, db, client_as):
    customers_with_values(app, db, [50, 30, 10, 5, 3, 2])
    run(db)
    page = client_as("agent").get("/staff/customers/classes")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in html and 'd="M0.0,300.0 L' in html
    assert "<script" not in html.split("<main", 1)[1]  # CSP: no inline script
    assert client_as("customer").get("/staff/customers/classes").status_code == 404


def test_pareto_points_are_cumulative_shares(app, db):
    customers_with_values(app, db, [50, 30, 10, 5, 3, 2])
    run(db)
    points = classify.pareto_points(db, buckets=6)
    assert points[0] == (0.0, 0.0) and points[-1] == (1.0, 1.0)
    assert [round(y, 2) for _x, y in points] == [0.0, 0.5, 0.8, 0.9, 0.95, 0.98, 1.0]


def test_a_customers_get_their_own_sla_policy(app, db, users):
    a_customer, b_customer = customers_with_values(app, db, [90, 10])
    run(db)
    db.add(
        ClassSlaPolicy(
            customer_class=CustomerClass.A,
            priority=Priority.NORMAL,
            first_response_minutes=30,
            resolution_minutes=240,
        )
    )
    db.commit()
    fast = make_request(app, db, a_customer)
    usual = make_request(app, db, b_customer)
    assert fast.first_response_due - fast.created_at == timedelta(minutes=30)
    assert fast.resolution_due - fast.created_at == timedelta(minutes=240)
    assert usual.first_response_due - usual.created_at == timedelta(hours=24)  # the general default


def test_admin_edits_class_sla_targets_and_agents_may_not(app, db, users, client_as):
    from tests.conftest import csrf_token

    admin = client_as("admin")
    data = {f"{p.value}_{k}": "" for p in Priority for k in ("first", "resolution")}
    data.update({"urgent_first": "15", "urgent_resolution": "120"})
    data["csrf_token"] = csrf_token(admin, "/staff/customers/sla?class=A")
    saved = admin.post("/staff/customers/sla?class=A", data=data)
    assert saved.status_code == 302
    policy = db.get(ClassSlaPolicy, (CustomerClass.A, Priority.URGENT))
    assert (policy.first_response_minutes, policy.resolution_minutes) == (15, 120)
    data.update({"urgent_first": "200", "urgent_resolution": "100"})  # first response after resolution
    refused = admin.post("/staff/customers/sla?class=A", data=data)
    assert refused.status_code == 200 and "no later than the resolution" in refused.get_data(as_text=True)
    assert client_as("agent").get("/staff/customers/sla").status_code == 403
    from portal.models import AuditLog

    assert db.scalar(select(AuditLog).where(AuditLog.action == "class_sla_changed")) is not None

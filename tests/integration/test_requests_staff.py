"""Staff handle requests: queue, replies, notes, assignment, transitions, conflicts, SLA, mail."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from knowledge_base.db import utcnow
from portal.models import CannedResponse, Priority, RequestStatus, ServiceRequest, SlaPolicy
from portal.requests import services
from portal.requests.errors import TransitionError
from portal.requests.references import allocate_reference
from portal.requests.sla import escalate_overdue
from tests.conftest import csrf_token
from tests.integration.requests_helpers import catalog, handling_form, make_request, submit


@pytest.fixture
def req(app, db, users):
    catalog(db)
    return make_request(app, db, users["customer"])


def reload(db, req):
    db.expire_all()
    return db.get(ServiceRequest, req.id)


def test_queue_filters_sorts_and_counts(app, client_as, db, users, req):
    other = make_request(app, db, users["customer2"], subject="Router drops", priority="urgent")
    agent = client_as("agent")
    html = agent.get("/staff/requests").get_data(as_text=True)
    assert req.reference in html and other.reference in html and "<strong>2</strong>" in html
    assert req.reference not in agent.get("/staff/requests?priority=urgent").get_data(as_text=True)
    assert other.reference not in agent.get("/staff/requests?category=laundry").get_data(as_text=True)
    assert req.reference not in agent.get("/staff/requests?assignee=me").get_data(as_text=True)
    req.resolution_due = utcnow() - timedelta(hours=1)
    db.commit()
    overdue = agent.get("/staff/requests?overdue=1").get_data(as_text=True)
    assert req.reference in overdue and other.reference not in overdue and "row--overdue" in overdue
    sorted_html = agent.get("/staff/requests?sort=due").get_data(as_text=True)
    assert sorted_html.index(req.reference) < sorted_html.index(other.reference)


def test_queue_is_for_staff_only(client_as, req):
    assert client_as("customer").get("/staff/requests").status_code == 403
    assert client_as("customer").get(f"/staff/requests/{req.reference}").status_code == 403
    assert client_as("marketer").get(f"/staff/requests/{req.reference}").status_code == 403


def test_agent_replies_assigns_and_resolves_with_history(client_as, db, users, req, mail_to_smtp):
    agent = client_as("agent")
    form = handling_form(agent, req.reference)
    response = submit(
        agent,
        req.reference,
        form,
        body="We will send a technician.",
        assignee=str(users["agent"].id),
        status="open",
    )
    assert response.status_code == 302
    req = reload(db, req)
    assert req.status == RequestStatus.OPEN and req.assignee_id == users["agent"].id
    assert req.first_responded_at is not None
    submit(agent, req.reference, handling_form(agent, req.reference), status="resolved")
    req = reload(db, req)
    assert req.status == RequestStatus.RESOLVED
    kinds = [(e.kind, e.to_value) for e in req.events]
    assert ("status", "open") in kinds and ("status", "resolved") in kinds and ("assignee", "Agent") in kinds
    subjects = [m["Subject"] for m in mail_to_smtp.messages]
    assert any("New reply" in s for s in subjects) and any("Resolved" in s for s in subjects)
    assert all(m["To"] == "customer@example.com" for m in mail_to_smtp.messages)
    assert "technician" in mail_to_smtp.messages[0].get_body(("plain",)).get_content()


def test_internal_notes_never_reach_the_customer(client_as, db, req, mail_to_smtp):
    agent = client_as("agent")
    submit(
        agent,
        req.reference,
        handling_form(agent, req.reference),
        body="Customer is rude; VIP discount no.",
        internal="y",
    )
    assert reload(db, req).messages[0].internal
    customer_page = client_as("customer").get(f"/requests/{req.reference}").get_data(as_text=True)
    assert "VIP discount" not in customer_page
    assert mail_to_smtp.messages == []
    assert "VIP discount" in agent.get(f"/staff/requests/{req.reference}").get_data(as_text=True)


@pytest.mark.parametrize(
    "start,target,allowed",
    [
        (RequestStatus.NEW, RequestStatus.OPEN, True),
        (RequestStatus.NEW, RequestStatus.RESOLVED, False),
        (RequestStatus.NEW, RequestStatus.CLOSED, False),
        (RequestStatus.OPEN, RequestStatus.WAITING_ON_CUSTOMER, True),
        (RequestStatus.WAITING_ON_CUSTOMER, RequestStatus.OPEN, True),
        (RequestStatus.OPEN, RequestStatus.RESOLVED, True),
        (RequestStatus.RESOLVED, RequestStatus.CLOSED, True),
        (RequestStatus.RESOLVED, RequestStatus.OPEN, True),
        (RequestStatus.CLOSED, RequestStatus.OPEN, False),
        (RequestStatus.OPEN, RequestStatus.NEW, False),
    ],
)
def test_only_allowed_transitions_pass(app, db, users, req, start, target, allowed):
    req.status = start
    db.commit()
    change = services.StaffChange(version=req.version, status=target.value)
    with app.test_request_context():
        if allowed:
            services.staff_update(db, users["agent"], req, change, max_chars=1000)
            assert req.status == target
        else:
            with pytest.raises(TransitionError):
                services.staff_update(db, users["agent"], req, change, max_chars=1000)
    db.rollback()


def test_refused_transition_is_a_form_error(client_as, db, req):
    agent = client_as("agent")
    response = submit(
        agent, req.reference, handling_form(agent, req.reference), status="closed", body="typed text stays"
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "cannot move" in html and "typed text stays" in html
    assert reload(db, req).messages == []


def test_second_agent_gets_a_conflict_and_nothing_is_lost(app, client_as, db, users, req):
    first, second = client_as("agent"), client_as("admin")
    form_first, form_second = handling_form(first, req.reference), handling_form(second, req.reference)
    assert submit(first, req.reference, form_first, body="First answer", priority="high").status_code == 302
    response = submit(second, req.reference, form_second, body="Second answer", priority="low")
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed this request" in html and "First answer" in html and "Second answer" in html
    req = reload(db, req)
    assert req.priority == Priority.HIGH and [m.body for m in req.messages] == ["First answer"]
    again = submit(second, req.reference, handling_form(second, req.reference), body="Second answer")
    assert again.status_code == 302
    assert [m.body for m in reload(db, req).messages] == ["First answer", "Second answer"]


def test_canned_responses_fill_placeholders(client_as, db, users, req):
    db.add(
        CannedResponse(
            title="Leak",
            body="Dear {customer_name}, about {reference}: check the hose.",
            category_id=req.category_id,
        )
    )
    db.commit()
    agent = client_as("agent")
    canned = db.scalar(select(CannedResponse))
    html = agent.get(f"/staff/requests/{req.reference}?canned={canned.id}").get_data(as_text=True)
    assert f"Dear Customer, about {req.reference}: check the hose." in html


def test_agents_manage_canned_responses(client_as, db):
    agent = client_as("agent")
    token = csrf_token(agent, "/staff/canned")
    agent.post(
        "/staff/canned",
        data={"title": "Hello", "body": "Hi {customer_name}", "category": "", "csrf_token": token},
    )
    item = db.scalar(select(CannedResponse))
    assert item.title == "Hello"
    agent.post(f"/staff/canned/{item.id}/delete", data={"csrf_token": token})
    db.expire_all()
    assert db.scalar(select(CannedResponse)) is None


def test_customer_reply_and_assignment_mail_the_assignee(app, client_as, db, users, req, mail_to_smtp):
    admin = client_as("admin")
    submit(admin, req.reference, handling_form(admin, req.reference), assignee=str(users["agent"].id))
    assert [m["To"] for m in mail_to_smtp.messages] == ["agent@example.com"]
    customer = client_as("customer")
    customer.post(
        f"/requests/{req.reference}/reply",
        data={"body": "Any news?", "csrf_token": csrf_token(customer, "/requests")},
    )
    assert mail_to_smtp.messages[-1]["To"] == "agent@example.com"
    assert f"/staff/requests/{req.reference}" in mail_to_smtp.messages[-1].get_body(("plain",)).get_content()


def test_customers_can_turn_request_mails_off(client_as, db, users, req, mail_to_smtp):
    users["customer"].notify_by_email = False
    db.commit()
    agent = client_as("agent")
    submit(agent, req.reference, handling_form(agent, req.reference), body="Reply", status="open")
    assert mail_to_smtp.messages == []


def test_sla_policies_set_due_times(app, client_as, db, users):
    admin = client_as("admin")
    data = {"csrf_token": csrf_token(admin, "/admin/sla")}
    for p, (f, r) in {
        "low": (600, 6000),
        "normal": (60, 600),
        "high": (30, 300),
        "urgent": (10, 100),
    }.items():
        data[f"{p}_first"], data[f"{p}_resolution"] = str(f), str(r)
    assert admin.post("/admin/sla", data=data).status_code == 302
    assert db.get(SlaPolicy, Priority.NORMAL).resolution_minutes == 600
    catalog(db)
    req = make_request(app, db, users["customer"])
    assert abs((req.resolution_due - req.created_at) - timedelta(minutes=600)) < timedelta(seconds=1)
    bad = admin.post("/admin/sla", data={**data, "normal_resolution": "10"})
    assert "cannot come before" in bad.get_data(as_text=True)


def test_escalation_is_idempotent_and_recorded(app, db, users, req, mail_to_smtp):
    req.resolution_due = utcnow() - timedelta(minutes=5)
    req.assignee_id = users["agent"].id
    db.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["sla", "escalate"])
    assert "Escalated 1" in result.output
    assert runner.invoke(args=["sla", "escalate"]).output.startswith("Escalated 0")
    req = reload(db, req)
    assert req.priority == Priority.HIGH
    assert [(e.kind, e.from_value, e.to_value) for e in req.events][-1] == ("escalation", "normal", "high")
    assert sorted(m["To"] for m in mail_to_smtp.messages) == ["admin@example.com", "agent@example.com"]


def test_escalation_service_skips_requests_on_time(app, db, users, req):
    assert escalate_overdue(db, utcnow()) == []


def test_twenty_concurrent_creations_get_twenty_distinct_references(app):
    sessionmaker = app.extensions["db_sessionmaker"]
    references, errors = [], []
    barrier = threading.Barrier(20)

    def allocate():
        session = sessionmaker()
        try:
            barrier.wait()
            references.append(allocate_reference(session, 2099))
            session.commit()
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            session.close()

    threads = [threading.Thread(target=allocate) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(references)) == 20
    assert sorted(references) == [f"SR-2099-{n:06d}" for n in range(1, 21)]

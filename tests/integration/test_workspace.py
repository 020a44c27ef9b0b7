"""The staff workspace: home per role, saved views, tags, bulk actions, merging, macros, closing."""

import re

import pytest
from sqlalchemy import func, select

from portal.models import (
    Attachment,
    AuditLog,
    CannedResponse,
    Priority,
    RequestMessage,
    RequestStatus,
    SavedView,
    ServiceRequest,
    Tag,
)
from tests.conftest import csrf_token
from tests.integration.requests_helpers import catalog, handling_form, make_request, submit


@pytest.fixture
def reqs(app, db, users):
    """Two requests of the customer and one of customer2."""
    catalog(db)
    first = make_request(app, db, users["customer"], subject="Washer leaks")
    second = make_request(app, db, users["customer"], subject="Washer leaks again")
    other = make_request(app, db, users["customer2"], subject="Router drops")
    return first, second, other


def fresh(db, req):
    db.expire_all()
    return db.get(ServiceRequest, req.id)


def queue_token(client):
    return csrf_token(client, "/staff/requests")


# --- home and navigation --------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,expected",
    [("agent", "Unassigned"), ("marketer", "Link suggestions to review"), ("admin", "Administration")],
)
def test_staff_land_on_their_own_home(client, auth, users, role, expected):
    response = auth.login(f"{role}@example.com")
    assert response.headers["Location"] == "/staff/"
    html = client.get("/staff/").get_data(as_text=True)
    assert expected in html


def test_customers_land_on_the_portal_home_and_have_no_workspace(client, auth, users):
    assert auth.login("customer@example.com").headers["Location"] == "/"
    assert client.get("/staff/").status_code == 403


def test_agent_home_lists_mine_and_unassigned(client_as, db, users, reqs):
    first, second, _other = reqs
    first.assignee_id = users["agent"].id
    db.commit()
    html = client_as("agent").get("/staff/").get_data(as_text=True)
    mine, unassigned = html.split("<h2>Unassigned</h2>")
    assert first.reference in mine and second.reference not in mine
    assert second.reference in unassigned and first.reference not in unassigned


def test_every_admin_page_is_in_the_navigation(app, client_as):
    nav = client_as("admin").get("/staff/").get_data(as_text=True).split("</nav>")[0]
    for path in ("/admin/sla", "/admin/catalog", "/marketing/blocklist", "/admin/users", "/admin/audit"):
        assert f'href="{path}"' in nav
    assert ('href="/admin/mailboxes"' in nav) == ("admin.mailboxes" in app.view_functions)
    assert ('href="/admin/outbox"' in nav) == ("admin.outbox_page" in app.view_functions)


# --- saved views ----------------------------------------------------------------------------


def save_view(client, name, query, shared=False):
    data = {"csrf_token": queue_token(client), "name": name, "query": query}
    if shared:
        data["shared"] = "y"
    return client.post("/staff/views", data=data)


def test_personal_view_is_not_visible_to_others_and_shared_is(client_as, db, users, reqs):
    agent, admin = client_as("agent"), client_as("admin")
    save_view(agent, "My urgent", "priority=urgent&assignee=me&evil=1")
    save_view(agent, "Team unassigned", "assignee=unassigned", shared=True)
    mine = db.scalar(select(SavedView).where(SavedView.name == "My urgent"))
    assert mine.query == "priority=urgent&assignee=me"  # unknown keys are dropped
    assert "My urgent" in agent.get("/staff/requests").get_data(as_text=True)
    other_queue = admin.get("/staff/requests").get_data(as_text=True)
    assert "Team unassigned" in other_queue and "My urgent" not in other_queue
    assert admin.get(f"/staff/views/{mine.id}").status_code == 404
    opened = agent.get(f"/staff/views/{mine.id}")
    assert opened.headers["Location"] == "/staff/requests?priority=urgent&assignee=me"


def test_only_the_owner_deletes_a_view(client_as, db, users):
    agent, admin = client_as("agent"), client_as("admin")
    save_view(agent, "Shared one", "status=open", shared=True)
    view = db.scalar(select(SavedView))
    assert (
        admin.post(f"/staff/views/{view.id}/delete", data={"csrf_token": queue_token(admin)}).status_code
        == 403
    )
    assert db.scalar(select(SavedView)) is not None
    agent.post(f"/staff/views/{view.id}/delete", data={"csrf_token": queue_token(agent)})
    db.expire_all()
    assert db.scalar(select(SavedView)) is None


def test_views_are_for_queue_staff_only(client_as, users):
    assert save_view(client_as("agent"), "x", "status=open").status_code == 302
    marketer = client_as("marketer")
    token = csrf_token(marketer, "/")
    response = marketer.post("/staff/views", data={"csrf_token": token, "name": "x", "query": ""})
    assert response.status_code == 403


# --- tags -----------------------------------------------------------------------------------


def test_tags_are_added_removed_filtered_and_recorded(client_as, db, reqs):
    first, second, _other = reqs
    agent = client_as("agent")
    token = csrf_token(agent, f"/staff/requests/{first.reference}")
    agent.post(f"/staff/requests/{first.reference}/tags", data={"csrf_token": token, "tag": "  Warranty  "})
    agent.post(f"/staff/requests/{first.reference}/tags", data={"csrf_token": token, "tag": "warranty"})
    tagged = fresh(db, first)
    assert [t.name for t in tagged.tags] == ["warranty"]
    assert [e.kind for e in tagged.events].count("tag") == 1
    queue = agent.get("/staff/requests?tag=warranty").get_data(as_text=True)
    assert first.reference in queue and second.reference not in queue
    tag = db.scalar(select(Tag))
    agent.post(f"/staff/requests/{first.reference}/tags/{tag.id}/remove", data={"csrf_token": token})
    untagged = fresh(db, first)
    assert untagged.tags == [] and untagged.events[-1].kind == "untag"


def test_a_bad_tag_is_a_form_error(client_as, db, reqs):
    first = reqs[0]
    agent = client_as("agent")
    token = csrf_token(agent, f"/staff/requests/{first.reference}")
    response = agent.post(
        f"/staff/requests/{first.reference}/tags", data={"csrf_token": token, "tag": "a, b"}
    )
    assert response.status_code == 400 and "no commas" in response.get_data(as_text=True)
    assert fresh(db, first).tags == []


# --- bulk actions ---------------------------------------------------------------------------


def bulk(client, selected, **change):
    data = {"csrf_token": queue_token(client), "ids": [str(r.id) for r in selected]}
    data.update({f"version-{r.id}": str(r.version) for r in selected})
    data.update(change)
    return client.post("/staff/requests/bulk", data=data)


def test_bulk_assign_priority_and_tag_with_history(client_as, db, users, reqs):
    first, second, other = reqs
    response = bulk(
        client_as("agent"), [first, second], assignee=str(users["agent"].id), priority="high", tag="vip"
    )
    assert response.status_code == 302
    for req in (first, second):
        changed = fresh(db, req)
        assert changed.assignee_id == users["agent"].id and changed.priority == Priority.HIGH
        assert [t.name for t in changed.tags] == ["vip"]
        assert {"assignee", "priority", "tag"} <= {e.kind for e in changed.events}
    assert fresh(db, other).assignee_id is None


def test_bulk_is_all_or_nothing_on_a_version_conflict(client_as, db, users, reqs):
    first, second, _other = reqs
    stale_version = second.version
    second.priority = Priority.URGENT  # someone else saved it meanwhile
    db.commit()
    second.version = stale_version  # what the agent's queue page still shows
    response = bulk(client_as("agent"), [first, second], assignee=str(users["agent"].id))
    assert response.status_code == 302
    assert fresh(db, first).assignee_id is None and fresh(db, second).assignee_id is None
    html = client_as("agent").get("/staff/requests").get_data(as_text=True)
    assert "Someone else changed it since you loaded the queue." in html


def test_bulk_refuses_a_forbidden_status_move_for_all(client_as, db, reqs):
    first, second, _other = reqs
    second.status = RequestStatus.OPEN
    db.commit()
    bulk(client_as("agent"), [fresh(db, first), fresh(db, second)], status="waiting_on_customer")
    assert fresh(db, second).status == RequestStatus.OPEN  # first (new) may not move there: none moved


def test_bulk_closing_needs_confirmation(client_as, db, reqs):
    first = reqs[0]
    first.status = RequestStatus.RESOLVED
    db.commit()
    agent = client_as("agent")
    bulk(agent, [fresh(db, first)], status="closed")
    assert fresh(db, first).status == RequestStatus.RESOLVED
    bulk(agent, [fresh(db, first)], status="closed", confirm_close="y")
    assert fresh(db, first).status == RequestStatus.CLOSED


@pytest.mark.parametrize("role", ["customer", "marketer"])
def test_bulk_is_for_queue_staff_only(client_as, db, users, reqs, role):
    client = client_as(role)
    token = csrf_token(client, "/")
    data = {"csrf_token": token, "ids": [str(reqs[0].id)], f"version-{reqs[0].id}": "1", "priority": "urgent"}
    assert client.post("/staff/requests/bulk", data=data).status_code == 403
    assert fresh(db, reqs[0]).priority == Priority.NORMAL


def test_bulk_checks_each_request_through_the_access_rules(app, db, users, reqs):
    from portal.requests import bulk as bulk_service
    from portal.requests.bulk import BulkChange, BulkError

    first = reqs[0]
    change = BulkChange(versions={first.id: first.version}, priority="urgent")
    with app.test_request_context(), pytest.raises(BulkError) as refused:
        bulk_service.apply_bulk(db, users["marketer"], change)
    db.rollback()
    assert refused.value.failures == [(first.reference, "You may not change this request.")]


# --- merging --------------------------------------------------------------------------------


def merge(client, source, into, confirm=True):
    data = {"csrf_token": csrf_token(client, f"/staff/requests/{source.reference}")}
    data.update({"into": into.reference, "version": str(source.version)})
    if confirm:
        data["confirm"] = "y"
    return client.post(f"/staff/requests/{source.reference}/merge", data=data)


def test_merge_moves_thread_and_attachments_and_closes_the_merged_one(client_as, db, users, reqs):
    first, second, _other = reqs
    db.add(RequestMessage(request_id=second.id, author_id=users["customer"].id, body="More water today"))
    db.add(
        Attachment(
            request_id=second.id,
            uploader_id=users["customer"].id,
            original_name="photo.png",
            stored_name="merge-test-photo",
            content_type="image/png",
            size=3,
        )
    )
    db.commit()
    response = merge(client_as("agent"), fresh(db, second), first)
    assert response.headers["Location"] == f"/staff/requests/{first.reference}"
    target, merged = fresh(db, first), fresh(db, second)
    bodies = [m.body for m in target.messages]
    assert "More water today" in bodies and any("Washer leaks again" in b for b in bodies)
    assert [a.original_name for a in target.attachments] == ["photo.png"] and merged.attachments == []
    assert merged.status == RequestStatus.CLOSED and merged.messages == []
    assert ("merged_into", second.reference, first.reference) in {
        (e.kind, merged.reference, e.to_value) for e in merged.events
    }
    assert any(e.kind == "merged_from" and e.from_value == second.reference for e in target.events)
    page = client_as("agent").get(f"/staff/requests/{second.reference}").get_data(as_text=True)
    assert f'href="/staff/requests/{first.reference}"' in page


def test_merge_refuses_another_customers_request(client_as, db, reqs):
    first, _second, other = reqs
    response = merge(client_as("agent"), first, other)
    assert response.status_code == 400
    assert "Only requests of the same customer can be merged." in response.get_data(as_text=True)
    assert fresh(db, first).status == RequestStatus.NEW


def test_merge_needs_confirmation(client_as, db, reqs):
    first, second, _other = reqs
    response = merge(client_as("agent"), second, first, confirm=False)
    assert response.status_code == 400 and fresh(db, second).status == RequestStatus.NEW


# --- canned responses per language and macros ----------------------------------------------


def test_canned_responses_follow_the_customers_language(client_as, db, users, reqs):
    users["customer"].locale = "pl"
    db.add_all(
        [
            CannedResponse(title="Hello EN", body="Hello {customer_name}", locale="en"),
            CannedResponse(title="Hello PL", body="Dzień dobry {customer_name}", locale="pl"),
            CannedResponse(title="Any language", body="Ref {reference}"),
        ]
    )
    db.commit()
    html = client_as("agent").get(f"/staff/requests/{reqs[0].reference}").get_data(as_text=True)
    assert "Hello PL" in html and "Any language" in html and "Hello EN" not in html


def test_macro_fills_the_reply_and_applies_its_changes_on_save(client_as, db, users, reqs):
    first = reqs[0]
    first.status = RequestStatus.OPEN
    macro = CannedResponse(
        title="Need photo",
        body="Please send a photo, {customer_name}.",
        set_status="waiting_on_customer",
        set_priority="high",
        set_tags="photo-needed",
    )
    db.add(macro)
    db.commit()
    agent = client_as("agent")
    html = agent.get(f"/staff/requests/{first.reference}?canned={macro.id}").get_data(as_text=True)
    assert "Please send a photo, Customer." in html
    assert re.search(r'<option selected value="waiting_on_customer">Waiting on customer</option>', html)
    assert 'value="photo-needed"' in html
    form = handling_form(agent, first.reference)
    submit(
        agent,
        first.reference,
        form,
        body="Please send a photo, Customer.",
        status="waiting_on_customer",
        priority="high",
        tags="photo-needed",
    )
    saved = fresh(db, first)
    assert saved.status == RequestStatus.WAITING_ON_CUSTOMER and saved.priority == Priority.HIGH
    assert [t.name for t in saved.tags] == ["photo-needed"] and saved.messages[-1].body.startswith("Please")


def test_macro_is_created_on_the_canned_page(client_as, db):
    agent = client_as("agent")
    data = {
        "csrf_token": csrf_token(agent, "/staff/canned"),
        "title": "Resolve",
        "body": "Fixed.",
        "category": "",
        "locale": "cs",
        "set_status": "resolved",
        "set_priority": "",
        "set_tags": "Done, fixed",
    }
    assert agent.post("/staff/canned", data=data).status_code == 302
    item = db.scalar(select(CannedResponse))
    assert (item.locale, item.set_status, item.set_tags, item.is_macro) == (
        "cs",
        "resolved",
        "done, fixed",
        True,
    )
    bad = agent.post("/staff/canned", data={**data, "title": "Other", "set_status": "lost"})
    assert bad.status_code == 200 and "Choose a status from the list." in bad.get_data(as_text=True)


# --- closing and wording --------------------------------------------------------------------


def test_staff_closing_asks_for_confirmation(client_as, db, reqs):
    first = reqs[0]
    first.status = RequestStatus.RESOLVED
    db.commit()
    agent = client_as("agent")
    refused = submit(agent, first.reference, handling_form(agent, first.reference), status="closed")
    assert refused.status_code == 400 and "Yes, close it" in refused.get_data(as_text=True)
    assert fresh(db, first).status == RequestStatus.RESOLVED
    submit(agent, first.reference, handling_form(agent, first.reference), status="closed", confirm_close="y")
    assert fresh(db, first).status == RequestStatus.CLOSED


def test_waiting_status_reads_for_each_side(client_as, db, reqs):
    first = reqs[0]
    first.status = RequestStatus.WAITING_ON_CUSTOMER
    db.commit()
    assert "Waiting on customer" in client_as("agent").get("/staff/requests").get_data(as_text=True)
    customer_page = client_as("customer").get(f"/requests/{first.reference}").get_data(as_text=True)
    assert "Waiting on you" in customer_page and "Waiting on customer" not in customer_page


def test_merges_macros_and_shared_views_are_audited(client_as, db, users, reqs):
    first, second, _other = reqs
    agent = client_as("agent")
    merge(agent, second, first)
    save_view(agent, "Team", "status=open", shared=True)
    token = csrf_token(agent, "/staff/canned")
    agent.post("/staff/canned", data={"csrf_token": token, "title": "T", "body": "B", "set_priority": "high"})
    actions = {a.action: a.target for a in db.scalars(select(AuditLog))}
    assert actions["request.merge"] == second.reference
    assert actions["saved_view.share"] == "Team" and actions["canned.create"] == "T"


def test_bulk_status_change_mails_each_customer_whose_request_changed(client_as, db, users, reqs):
    from portal.models.outbox import OutboxMessage

    first, second, other = reqs
    for req in (first, second):
        req.status = RequestStatus.OPEN
    other.status = RequestStatus.WAITING_ON_CUSTOMER
    db.commit()
    agent = client_as("agent")
    before = db.scalar(select(func.count()).select_from(OutboxMessage)) or 0
    selected = [fresh(db, first), fresh(db, second), fresh(db, other)]
    assert bulk(agent, selected, status="waiting_on_customer").status_code == 302
    db.expire_all()
    mails = db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "request_status")).all()
    assert sorted(m.request_id for m in mails) == sorted([first.id, second.id])  # not `other`: unchanged
    assert (db.scalar(select(func.count()).select_from(OutboxMessage)) or 0) - before == 2

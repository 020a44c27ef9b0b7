"""The customer's whole picture: search, access, products, requests with SLA result, notes, reads."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from knowledge_base.db import utcnow
from portal import access
from portal.customers import picture
from portal.models import ArticleRead, AuditLog, CustomerNote, CustomerProduct, RequestStatus
from tests.conftest import csrf_token
from tests.integration.customer_helpers import customer
from tests.integration.kb_helpers import publish_article
from tests.integration.requests_helpers import catalog, make_request


@pytest.fixture
def world(app, db, users):
    """The customer owns a washer (serial WM-777001) and has one request."""
    products = catalog(db)
    db.add(
        CustomerProduct(
            user_id=users["customer"].id,
            product=products["washer"],
            serial_number="WM-777001",
            purchased_on=date.today() - timedelta(days=100),
        )
    )
    db.commit()
    found = make_request(app, db, users["customer"], subject="Drum noise")
    return {"request": found, **products}


def names(client, query: str) -> list[str]:
    import re

    page = client.get("/staff/customers", query_string={"q": query}).get_data(as_text=True)
    return re.findall(r'/staff/customers/\d+">([^<]+)</a>', page)


def test_agents_find_customers_by_name_email_serial_and_reference(app, db, users, client_as, world):
    agent = client_as("agent")
    assert names(agent, "") == ["Customer", "Customer2"]  # customers only, no staff
    assert names(agent, "omer2") == ["Customer2"]  # name, anywhere, any case
    assert names(agent, "customer2@exa") == ["Customer2"]  # email prefix
    assert names(agent, "wm-777") == ["Customer"]  # serial prefix, any case
    assert names(agent, world["request"].reference.lower()) == ["Customer"]  # request reference
    assert names(agent, "%") == [] and names(agent, "_") == []  # LIKE wildcards are plain text
    assert names(agent, "nobody-like-this") == []
    too_long = agent.get("/staff/customers", query_string={"q": "x" * 121}).get_data(as_text=True)
    assert "at most 120 characters" in too_long


def test_search_is_paginated(app, db, users, client_as):
    for i in range(30):
        customer(app, db, f"Zed {i:02d}")
    db.commit()
    agent = client_as("agent")
    assert len(names(agent, "zed")) == 25
    assert len(names_page(agent, "zed", 2)) == 5


def names_page(client, query, page):
    import re

    html = client.get("/staff/customers", query_string={"q": query, "page": page}).get_data(as_text=True)
    return re.findall(r'/staff/customers/\d+">([^<]+)</a>', html)


@pytest.mark.parametrize(("role", "status"), [("customer", 404), ("customer2", 404), ("marketer", 403)])
def test_only_agents_and_admins_see_customers(app, db, users, client_as, world, role, status):
    client = client_as(role)
    assert client.get("/staff/customers").status_code == status
    assert client.get(f"/staff/customers/{users['customer'].id}").status_code == status


def test_anonymous_visitors_are_sent_to_log_in(app, client, users):
    response = client.get(f"/staff/customers/{users['customer'].id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_staff_accounts_have_no_customer_picture(app, db, users, client_as):
    assert client_as("agent").get(f"/staff/customers/{users['admin'].id}").status_code == 404
    assert client_as("agent").get("/staff/customers/99999999").status_code == 404
    assert not access.allows(users["agent"], access.Action.INSPECT, users["marketer"])
    assert access.allows(users["agent"], access.Action.INSPECT, users["customer"])
    assert not access.allows(users["marketer"], access.Action.INSPECT, users["customer"])


def test_the_picture_shows_products_warranty_requests_sla_class_and_consent(app, db, users, client_as, world):
    from portal.customers import classify
    from tests.integration.customer_helpers import LONG_AGO

    world["washer"].price_cents = 50_000
    db.commit()
    classify.classify_all(db, "products", LONG_AGO, utcnow())
    db.commit()
    late = make_request(app, db, users["customer"], subject="Late one")
    late.first_response_due = utcnow() - timedelta(hours=1)
    late.rating = 2
    db.commit()
    for client in (client_as("agent"), client_as("admin")):  # every agent sees the same page
        page = client.get(f"/staff/customers/{users['customer'].id}").get_data(as_text=True)
        assert "customer@example.com" in page and "AquaClean washer" in page and "WM-777001" in page
        assert "in warranty until" in page
        assert world["request"].reference in page and late.reference in page
        assert "SLA missed" in page and "SLA running" in page and "2 of 5" in page
        assert "class A" in page and "Consent given" in page and "standard" in page


def test_sla_result_met_missed_running(app, db, users, world):
    found = world["request"]
    now = utcnow()
    assert picture.sla_result(found, now) == "running"
    found.first_responded_at = found.created_at + timedelta(minutes=5)
    found.resolved_at = found.created_at + timedelta(hours=1)
    found.status = RequestStatus.RESOLVED
    assert picture.sla_result(found, now) == "met"
    found.resolved_at = found.resolution_due + timedelta(minutes=1)
    assert picture.sla_result(found, now) == "missed"


def test_notes_are_staff_only_audited_and_deleted_by_their_author_or_admin(app, db, users, client_as, world):
    agent, admin = client_as("agent"), client_as("admin")
    url = f"/staff/customers/{users['customer'].id}"
    saved = agent.post(
        url + "/notes", data={"body": "Prefers phone calls", "csrf_token": csrf_token(agent, url)}
    )
    assert saved.status_code == 302
    assert "Prefers phone calls" in admin.get(url).get_data(as_text=True)
    # never on the customer's own pages
    assert "Prefers phone calls" not in client_as("customer").get(
        f"/requests/{world['request'].reference}"
    ).get_data(as_text=True)
    note = db.scalar(select(CustomerNote))
    assert (
        db.scalar(select(AuditLog).where(AuditLog.action == "customer_note_added")).actor_id
        == users["agent"].id
    )
    empty = agent.post(url + "/notes", data={"body": "  ", "csrf_token": csrf_token(agent, url)})
    assert empty.status_code == 400 and "Write the note first" in empty.get_data(as_text=True)
    # another agent may not delete it
    from tests.conftest import AuthActions, add_agent

    add_agent(app, db)
    other = app.test_client()
    AuthActions(other).login("agent2@example.com")
    refused = other.post(f"{url}/notes/{note.id}/delete", data={"csrf_token": csrf_token(other, url)})
    assert refused.status_code == 403
    deleted = admin.post(f"{url}/notes/{note.id}/delete", data={"csrf_token": csrf_token(admin, url)})
    assert deleted.status_code == 302
    assert db.scalar(select(func.count()).select_from(CustomerNote)) == 0
    kept = db.scalar(select(AuditLog).where(AuditLog.action == "customer_note_deleted"))
    assert kept.details["body"] == "Prefers phone calls"


def test_articles_read_before_the_last_request_are_shown(app, db, users, client_as):
    catalog(db)
    db.commit()
    publish_article(app, db, slug="drum-noise", title="Why the drum is noisy", body="Check the feet.")
    publish_article(app, db, slug="later", title="Read afterwards", body="Later.")
    customer_client = client_as("customer")
    assert customer_client.get("/kb/en/a/drum-noise").status_code == 200
    db.execute(ArticleRead.__table__.update().values(read_at=utcnow() - timedelta(minutes=5)))
    db.commit()
    make_request(app, db, users["customer"], subject="Drum still noisy")
    customer_client.get("/kb/en/a/later")
    client_as("agent").get("/kb/en/a/later")  # staff reads are not recorded
    assert db.scalar(select(func.count()).select_from(ArticleRead)) == 2
    page = client_as("agent").get(f"/staff/customers/{users['customer'].id}").get_data(as_text=True)
    reads = page.split('id="reads"', 1)[1].split("</section>", 1)[0]
    assert "Why the drum is noisy" in reads and "Read afterwards" not in reads


def test_reads_are_bounded_per_customer(app, db, users):
    from knowledge_base.models import Article

    publish_article(app, db, slug="seed", title="Seed", body="x")
    article = db.scalar(select(Article))
    now = utcnow()
    # many distinct articles: fake them by reusing one article id is impossible (one row per article),
    # so record reads of READS_KEPT + 5 articles
    articles = [article]
    for i in range(picture.READS_KEPT + 4):
        articles.append(publish_article(app, db, slug=f"a{i}", title=f"A{i}", body="x"))
    for i, item in enumerate(articles):
        picture.record_read(db, users["customer"], item, now + timedelta(seconds=i))
    db.commit()
    kept = db.scalars(select(ArticleRead.article_id).where(ArticleRead.user_id == users["customer"].id)).all()
    assert len(kept) == picture.READS_KEPT and articles[0].id not in kept and articles[-1].id in kept

"""GDPR tools: the data export, erasure by an admin (checked over every text column), retention."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

from sqlalchemy import JSON, LargeBinary, String, Text, cast, func, or_, select

from knowledge_base.db import Base, utcnow
from knowledge_base.models import ArticleFeedback
from portal.models import (
    Attachment,
    AuditLog,
    LinkEvent,
    Offer,
    RequestMessage,
    RequestStatus,
    ServiceRequest,
    User,
)
from portal.requests import services
from tests.conftest import CHEAP_ARGON2, TEST_PASSWORD, AuthActions, csrf_token
from tests.integration.kb_helpers import publish_article
from tests.integration.requests_helpers import catalog, own, png_bytes, post_new

PERSON = {
    "name": "Zofia Brzęczyszczykiewicz",
    "email": "zofia.b@example.com",
    "phone": "+48 601 234 567",
    "wrote": "my parrot Kleofas chewed the power cable",
    "rating": "Kleofas approves of the technician",
    "vote": "Kleofas liked this article",
    "attachment": "kleofas-damage.png",
}


def attachment_folder(app) -> Path:
    return Path(app.config["INSTANCE_PATH"]) / "attachments"


def login(app, email):
    client = app.test_client()
    assert AuthActions(client).login(email).status_code == 302
    return client


def customer_history(app, db, customer, client, *, subject, text, attachment, rating_comment, agent):
    """A request with an attachment, a reply, a staff answer, an internal note, a rating."""
    response = post_new(client, subject=subject, description=text, files=[(attachment, png_bytes())])
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    request = db.scalar(select(ServiceRequest).where(ServiceRequest.subject == subject))
    ref = request.reference
    client.post(
        f"/requests/{ref}/reply",
        data={"body": f"Also: {text}", "csrf_token": csrf_token(client, f"/requests/{ref}")},
    )
    db.refresh(request)  # the reply was made by the web process: read the request's version afresh
    with app.test_request_context():
        services.staff_update(
            db,
            agent,
            request,
            services.StaffChange(version=request.version, body=f"Dear {customer.name}, we will help."),
            max_chars=20000,
        )
        db.commit()
        services.staff_update(
            db,
            agent,
            request,
            services.StaffChange(
                version=request.version, body=f"INTERNAL: {customer.name} seems upset", internal=True
            ),
            max_chars=20000,
        )
        db.commit()
        services.staff_update(
            db,
            agent,
            request,
            services.StaffChange(version=request.version, status="resolved"),
            max_chars=20000,
        )
        db.commit()
    client.post(
        f"/requests/{ref}/rate",
        data={"rating": "4", "comment": rating_comment, "csrf_token": csrf_token(client, f"/requests/{ref}")},
    )
    return request


def test_the_export_holds_the_persons_data_and_nothing_of_other_customers(app, db, users, client_as):
    things = catalog(db)
    own(db, users["customer"], things["washer"])
    own(db, users["customer2"], things["router"])
    db.commit()
    mine = client_as("customer")
    account = mine.get("/account").get_data(as_text=True)
    mine.post(
        "/account",
        data={
            "account-name": "Customer",
            "account-locale": "en",
            "account-marketing_consent": "",
            "account-notify_by_email": "y",
            "account-csrf_token": csrf_token(mine, "/account"),
        },
    )
    assert "Download my data" in account
    request = customer_history(
        app,
        db,
        users["customer"],
        mine,
        subject="Washer leaks",
        text="Water everywhere near the drum",
        attachment="drum.png",
        rating_comment="Quick and kind",
        agent=users["agent"],
    )
    theirs = client_as("customer2")
    customer_history(
        app,
        db,
        users["customer2"],
        theirs,
        subject="Router secret subject",
        text="Other customer's private text",
        attachment="other-private.png",
        rating_comment="Other customer's rating words",
        agent=users["agent"],
    )
    article = publish_article(app, db)
    db.add(
        ArticleFeedback(
            article_id=article.id, voter=f"user:{users['customer'].id}", helpful=True, comment="Clear steps"
        )
    )
    db.add(
        ArticleFeedback(
            article_id=article.id,
            voter=f"user:{users['customer2'].id}",
            helpful=False,
            comment="Other vote words",
        )
    )
    offer = Offer(
        code="router", title="Routers", url="https://shop.example.com/r", phrases={"en": ["router"]}
    )
    db.add(offer)
    db.flush()
    db.add(
        LinkEvent(
            offer_id=offer.id,
            article_id=article.id,
            kind="click",
            user_id=users["customer"].id,
            matched_text="router",
        )
    )
    db.add(
        LinkEvent(
            offer_id=offer.id,
            article_id=article.id,
            kind="impression",
            user_id=users["customer2"].id,
            matched_text="router",
        )
    )
    db.commit()

    assert mine.get("/account/export").status_code == 405  # only a POST with its CSRF token
    assert mine.post("/account/export").status_code == 400
    response = mine.post("/account/export", data={"csrf_token": csrf_token(mine, "/account")})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = set(archive.namelist())
    data = {n: json.loads(archive.read(n)) for n in names if n.endswith(".json")}
    everything = b"".join(archive.read(n) for n in names)

    assert data["profile.json"]["email"] == "customer@example.com"
    assert [p["serial_number"] for p in data["products.json"]] == [f"SN-{users['customer'].id}"]
    # every request of the customer's list page is in the export
    listed = mine.get("/requests").get_data(as_text=True)
    assert [r["reference"] for r in data["requests.json"]] == [
        request.reference
    ] and request.reference in listed
    assert data["requests.json"][0]["description"] == "Water everywhere near the drum"
    bodies = [m["body"] for m in data["messages.json"]]
    assert bodies == ["Also: Water everywhere near the drum", "Dear Customer, we will help."]
    assert b"INTERNAL" not in everything  # staff notes are not shown to customers
    assert data["ratings.json"] == [{**data["ratings.json"][0], "rating": 4, "comment": "Quick and kind"}]
    assert data["consents.json"]["marketing_consent"] is False
    assert data["consents.json"]["history"][-1]["marketing_consent"] is False
    assert [(v["article"], v["helpful"], v["comment"]) for v in data["votes.json"]] == [
        ("router-tips", True, "Clear steps")
    ]
    assert [e["kind"] for e in data["link_events.json"]] == ["click"]
    (stored,) = [n for n in names if n.startswith("attachments/")]
    assert stored.endswith("drum.png") and archive.read(stored) == png_bytes()
    assert "login" in {a["action"] for a in data["activity.json"]}
    for foreign in (
        b"customer2@example.com",
        b"Customer2",
        b"Router secret subject",
        b"Other customer",
        b"other-private",
        b"Other vote words",
        b"impression",
        f"SN-{users['customer2'].id}".encode(),
    ):
        assert foreign not in everything, foreign
    entry = db.scalar(select(AuditLog).where(AuditLog.action == "privacy.exported"))
    assert entry.actor_id == users["customer"].id


def test_the_export_needs_a_login(client):
    assert client.post("/account/export").status_code in (302, 400)
    assert "/login" in client.post("/account/export").headers.get("Location", "/login")


def make_person(app, db):
    from portal.auth.services import create_user

    with app.test_request_context():
        person = create_user(
            db,
            email=PERSON["email"],
            name=PERSON["name"],
            password=TEST_PASSWORD,
            hash_params=CHEAP_ARGON2,
            marketing_consent=True,
        )
    db.commit()
    return person


def leftovers(db, needles: list[str]) -> list[str]:
    """Every (table.column, needle) where a needle still occurs, in any text or JSON column of any table."""
    found = []
    forms = set()
    for n in needles:
        forms |= {n.lower(), json.dumps(n)[1:-1].lower()}  # JSON columns may store \\u escapes
    for table in Base.metadata.tables.values():
        for column in table.columns:
            if isinstance(column.type, LargeBinary):  # stored files such as whole mails: search the bytes
                for value in db.scalars(select(column)):
                    found += [
                        f"{table.name}.{column.name}: {f}"
                        for f in forms
                        if f.encode() in (value or b"").lower()
                    ]
                continue
            if not isinstance(column.type, String | Text | JSON):
                continue
            text = cast(column, Text) if isinstance(column.type, JSON) else column
            for form in forms:
                hit = db.scalar(
                    select(func.count())
                    .select_from(table)
                    .where(
                        or_(
                            func.lower(text).contains(form, autoescape=True),
                            text.contains(form, autoescape=True),
                        )
                    )
                )
                if hit:
                    found.append(f"{table.name}.{column.name}: {form}")
    return found


def test_after_erasure_no_personal_field_remains_in_any_table(app, db, users, client_as):
    things = catalog(db)
    person = make_person(app, db)
    own(db, person, things["washer"])
    db.commit()
    client = login(app, PERSON["email"])
    client.post(
        "/account",
        data={
            "account-name": PERSON["name"],
            "account-locale": "pl",
            "account-marketing_consent": "",
            "account-notify_by_email": "y",
            "account-csrf_token": csrf_token(client, "/account"),
        },
    )
    request = customer_history(
        app,
        db,
        person,
        client,
        subject=f"Cable eaten, call {PERSON['phone']}",
        text=f"{PERSON['wrote']}. Call me on {PERSON['phone']} or write to {PERSON['email']}.",
        attachment=PERSON["attachment"],
        rating_comment=PERSON["rating"],
        agent=users["agent"],
    )
    other = customer_history(
        app,
        db,
        users["customer2"],
        client_as("customer2"),
        subject="Router drops",
        text="The router drops at night",
        attachment="router.png",
        rating_comment="Fine",
        agent=users["agent"],
    )
    article = publish_article(app, db)
    db.add(
        ArticleFeedback(
            article_id=article.id, voter=f"user:{person.id}", helpful=True, comment=PERSON["vote"]
        )
    )
    db.commit()
    files = {a.stored_name for a in db.scalars(select(Attachment).where(Attachment.request_id == request.id))}
    assert files and all((attachment_folder(app) / f).is_file() for f in files)
    needles = [
        PERSON["name"],
        PERSON["email"],
        PERSON["phone"],
        PERSON["wrote"],
        PERSON["rating"],
        PERSON["vote"],
        PERSON["attachment"],
        "Kleofas",
    ]
    assert len(leftovers(db, needles)) >= 8  # the check finds them before

    admin = client_as("admin")
    url = f"/admin/users/{person.id}/erase"
    page = admin.get(url).get_data(as_text=True)
    assert PERSON["email"] in page and "Affected: 1 requests, 1 attachments." in page
    for confirmation, reason in (
        (PERSON["email"], ""),
        ("someone@example.com", "Customer asked by mail"),
        ("", "x" * 20),
    ):
        response = admin.post(
            url, data={"confirmation": confirmation, "reason": reason, "csrf_token": csrf_token(admin, url)}
        )
        assert response.status_code == 400
    db.expire_all()
    assert db.get(User, person.id).email == PERSON["email"]  # nothing happened
    response = admin.post(
        url,
        data={
            "confirmation": PERSON["email"].upper(),
            "reason": "Erasure request of 2026-11-30 by mail",
            "csrf_token": csrf_token(admin, url),
        },
    )
    assert response.status_code == 302

    db.expire_all()
    assert leftovers(db, needles) == []
    erased = db.get(User, person.id)
    assert erased.name == f"erased-{person.id}" and not erased.is_active and not erased.marketing_consent
    kept = db.get(ServiceRequest, request.id)  # kept for statistics, without personal data
    assert (
        kept.rating == 4
        and kept.status == RequestStatus.RESOLVED
        and kept.category_id == things["laundry"].id
    )
    assert kept.subject == "[erased]" and all(m.body == "[erased]" for m in kept.messages)
    assert db.scalars(select(Attachment).where(Attachment.request_id == request.id)).all() == []
    assert not any((attachment_folder(app) / f).exists() for f in files)
    # the other customer's data is untouched
    untouched = db.get(ServiceRequest, other.id)
    assert untouched.description == "The router drops at night" and len(untouched.attachments) == 1
    assert (attachment_folder(app) / untouched.attachments[0].stored_name).is_file()
    assert untouched.rating_comment == "Fine"
    # audit-logged, without the person's data; the session is gone and the password never matches
    entry = db.scalar(select(AuditLog).where(AuditLog.action == "user.erased"))
    assert entry.actor_id == users["admin"].id and entry.target == f"user:{person.id}"
    assert entry.details["reason"].startswith("Erasure request") and entry.details["attachments"] == 1
    assert client.get("/account").status_code == 302
    assert AuthActions(app.test_client()).login(PERSON["email"]).status_code == 200
    # not twice, not oneself, not by anyone but an admin
    again = admin.post(
        url,
        data={
            "confirmation": erased.email,
            "reason": "again and again",
            "csrf_token": csrf_token(admin, url),
        },
    )
    assert again.status_code in (200, 400) and "already been erased" in again.get_data(as_text=True)
    own_url = f"/admin/users/{users['admin'].id}/erase"
    response = admin.post(
        own_url,
        data={
            "confirmation": "admin@example.com",
            "reason": "testing myself",
            "csrf_token": csrf_token(admin, own_url),
        },
    )
    assert response.status_code == 400 and db.get(User, users["admin"].id).is_active
    for role in ("customer2", "agent"):  # (logins are rate-limited: two roles here)
        assert client_as(role).get(f"/admin/users/{users['customer2'].id}/erase").status_code == 403


def closed_request(db, client, customer, *, closed_days_ago: int, text: str, status=RequestStatus.CLOSED):
    post_new(client, subject=f"About {text}", description=text, files=[("photo.png", png_bytes())])
    request = db.scalar(select(ServiceRequest).where(ServiceRequest.description == text))
    request.status = status
    request.closed_at = utcnow() - timedelta(days=closed_days_ago) if status == RequestStatus.CLOSED else None
    db.add(RequestMessage(request_id=request.id, author_id=customer.id, body=f"reply {text}"))
    db.commit()
    return request


def test_retention_pseudonymises_old_closed_requests_and_is_cron_safe(app, db, users, client_as):
    catalog(db)
    db.commit()
    old = closed_request(
        db, client_as("customer"), users["customer"], closed_days_ago=400, text="old closed words"
    )
    recent = closed_request(
        db, client_as("customer"), users["customer"], closed_days_ago=20, text="recent closed words"
    )
    still_open = closed_request(
        db,
        client_as("customer2"),
        users["customer2"],
        closed_days_ago=0,
        text="open words",
        status=RequestStatus.OPEN,
    )
    old_file = attachment_folder(app) / old.attachments[0].stored_name
    runner = app.test_cli_runner()
    assert runner.invoke(args=["privacy", "retention"]).exit_code != 0  # no period: refuses to guess
    result = runner.invoke(args=["privacy", "retention", "--months", "12"])
    assert result.exit_code == 0 and "Pseudonymised 1 request(s)" in result.output, result.output
    db.expire_all()
    assert db.get(ServiceRequest, old.id).description == "[erased]"
    assert all(m.body == "[erased]" for m in db.get(ServiceRequest, old.id).messages)
    assert db.get(ServiceRequest, old.id).attachments == [] and not old_file.exists()
    assert db.get(ServiceRequest, recent.id).description == "recent closed words"
    assert db.get(ServiceRequest, still_open.id).description == "open words"
    assert (
        "Pseudonymised 0 request(s)" in runner.invoke(args=["privacy", "retention", "--months", "12"]).output
    )
    app.config["RETENTION_MONTHS"] = 1
    try:
        assert (
            "Pseudonymised 0" in runner.invoke(args=["privacy", "retention"]).output
        )  # 20 days is not past 1 month
        db.get(ServiceRequest, recent.id).closed_at = utcnow() - timedelta(days=31)
        db.commit()
        assert "Pseudonymised 1" in runner.invoke(args=["privacy", "retention"]).output
    finally:
        app.config["RETENTION_MONTHS"] = None
    assert db.scalar(select(AuditLog).where(AuditLog.action == "privacy.retention")) is not None


def test_erasing_a_person_leaves_everyone_else_alone(app, db, users, client_as):
    """The sweep replaces whole occurrences of the person's identity only: a one-word name
    ("Customer") is a common word, not swept; another address containing theirs is kept."""
    catalog(db)
    db.commit()
    other = users["customer2"]
    other_client = client_as("customer2")
    post_new(
        other_client,
        subject="Customer service",
        description="Customer service was great; cc customer@example.com.au",
    )
    admin = client_as("admin")
    url = f"/admin/users/{users['customer'].id}/erase"
    response = admin.post(
        url,
        data={
            "confirmation": "customer@example.com",
            "reason": "Asked by phone on Monday",
            "csrf_token": csrf_token(admin, url),
        },
    )
    assert response.status_code == 302
    db.expire_all()
    roles = {u.email: u.role.value for u in db.scalars(select(User))}
    assert roles == {
        f"erased-{users['customer'].id}@erased.invalid": "customer",
        "customer2@example.com": "customer",
        "agent@example.com": "agent",
        "marketer@example.com": "marketer",
        "admin@example.com": "admin",
    }
    assert db.get(User, other.id).name == "Customer2"
    kept = db.scalar(select(ServiceRequest).where(ServiceRequest.customer_id == other.id))
    assert kept.description == "Customer service was great; cc customer@example.com.au"
    assert db.scalar(
        select(AuditLog).where(AuditLog.action == "login", AuditLog.actor_id == other.id)
    ).target == ("customer2@example.com")
    assert admin.get(f"/admin/users/{users['customer'].id}").status_code == 200


def test_exports_are_rate_limited_per_user(app, db, users, client_as):
    app.config["EXPORT_RATE_LIMIT"] = "2 per hour"
    try:
        mine = client_as("customer")
        token = csrf_token(mine, "/account")
        codes = [mine.post("/account/export", data={"csrf_token": token}).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        other = client_as("customer2")
        assert (
            other.post("/account/export", data={"csrf_token": csrf_token(other, "/account")}).status_code
            == 200
        )
    finally:
        app.config["EXPORT_RATE_LIMIT"] = "5 per hour;20 per day"


def test_the_export_holds_the_offer_links_shown_moments_ago(app, db, users, client_as):
    """Impressions are kept in the worker's memory for a batched write: the export writes them first."""
    import io
    import json
    import zipfile

    from portal.models import LinkEvent
    from tests.integration.marketing_helpers import article_with_suggestions
    from tests.integration.test_marketing import approve

    app.config["IMPRESSION_FLUSH_SECONDS"] = 3600
    app.extensions.pop("link_impressions", None)
    _article, suggestions = article_with_suggestions(app, db)
    approve(client_as("marketer"), suggestions["washing-machine"])
    mine = client_as("customer")
    assert 'href="/go/' in mine.get("/kb/en/a/care").get_data(as_text=True)
    assert db.query(LinkEvent).count() == 0  # still in memory
    answer = mine.post("/account/export", data={"csrf_token": csrf_token(mine, "/account")})
    with zipfile.ZipFile(io.BytesIO(answer.data)) as archive:
        shown = json.loads(archive.read("link_events.json"))
    assert [(e["kind"], e["article"]) for e in shown] == [("impression", "care")]

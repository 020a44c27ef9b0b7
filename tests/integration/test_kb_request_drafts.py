"""Turn a resolved request into an article draft: personal data stripped, linked back, audited."""

from sqlalchemy import select

from knowledge_base.models import Article, ArticleStatus
from portal.models import AuditLog, RequestMessage, RequestStatus
from tests.conftest import csrf_token
from tests.integration.requests_helpers import make_request

DESCRIPTION = (
    "Hello, this is Customer. My washer WM 8 from order #A-77123 shows error E21 and leaks. "
    "Reach me at customer@example.com or +48 601 234 567."
)
ANSWER = "Clean the drain filter behind the lower panel, then run a rinse cycle. Thanks, Customer!"


def resolved_request(app, db, users, status=RequestStatus.RESOLVED, locale="pl"):
    users["customer"].locale = locale
    req = make_request(app, db, users["customer"], subject="Washer WM 8 leaks: error E21 (order 5512345)")
    req.description = DESCRIPTION
    db.add(RequestMessage(request_id=req.id, author_id=users["agent"].id, body=ANSWER))
    db.add(
        RequestMessage(request_id=req.id, author_id=users["agent"].id, body="Internal: VIP", internal=True)
    )
    req.status = status
    db.commit()
    return req


def turn_into_draft(client, ref):
    url = f"/staff/requests/{ref}"
    return client.post(f"/staff/kb/from-request/{ref}", data={"csrf_token": csrf_token(client, url)})


def test_a_resolved_request_becomes_a_stripped_draft_in_its_language(app, client_as, db, users):
    req = resolved_request(app, db, users, locale="en")
    agent = client_as("agent")
    assert "Turn into an article draft" in agent.get(f"/staff/requests/{req.reference}").get_data(
        as_text=True
    )
    response = turn_into_draft(agent, req.reference)
    assert response.status_code == 302 and "/edit?locale=en" in response.location
    article = db.scalar(select(Article))
    body = article.revisions[-1].body_md
    assert article.locale == "en" and article.status == ArticleStatus.DRAFT
    assert article.source_request_id == req.id
    assert "error E21" in article.title and "5512345" not in article.title
    assert "Clean the drain filter" in body and "error E21" in body
    for personal in ("Customer", "customer@example.com", "601 234 567", "77123", "VIP"):
        assert personal not in body and personal not in article.title, personal
    db.expire_all()
    event = [e for e in req.events if e.kind == "kb_draft"][-1]
    assert event.actor_id == users["agent"].id and event.to_value == f"en:{article.slug}"
    entry = db.scalar(select(AuditLog).where(AuditLog.action == "article.drafted_from_request"))
    assert entry.actor_id == users["agent"].id and entry.details["request"] == req.reference
    page = agent.get(f"/staff/requests/{req.reference}").get_data(as_text=True)
    assert f"/staff/kb/{article.slug}/edit?locale=en" in page  # the history links to the draft


def test_the_draft_takes_the_language_the_request_is_written_in(app, client_as, db, users):
    users["customer"].locale = "en"  # an English interface, a Polish request
    req = make_request(app, db, users["customer"], subject="Pralka przecieka podczas wirowania")
    req.description = "Od wczoraj pralka zostawia kałużę wody pod drzwiami, kiedy wiruje pranie."
    req.status = RequestStatus.RESOLVED
    db.commit()
    assert turn_into_draft(client_as("agent"), req.reference).status_code == 302
    assert db.scalar(select(Article)).locale == "pl"
    users["customer"].locale = "cs"  # too little text to recognise: the customer's language decides
    short = make_request(app, db, users["customer"], subject="E21")
    short.description, short.status = "E21?", RequestStatus.CLOSED
    db.commit()
    turn_into_draft(client_as("agent"), short.reference)
    assert db.scalar(select(Article).where(Article.source_request_id == short.id)).locale == "cs"


def test_an_open_request_is_not_turned_into_an_article(app, client_as, db, users):
    req = resolved_request(app, db, users, status=RequestStatus.OPEN)
    agent = client_as("agent")
    assert "Turn into an article draft" not in agent.get(f"/staff/requests/{req.reference}").get_data(
        as_text=True
    )
    assert turn_into_draft(agent, req.reference).status_code == 302
    assert db.scalar(select(Article)) is None


def test_only_kb_authors_with_csrf_turn_requests_into_drafts(app, client_as, db, users):
    req = resolved_request(app, db, users, status=RequestStatus.CLOSED)
    for role in ("customer", "marketer"):
        user = client_as(role)
        token = csrf_token(user, "/kb/en/")
        response = user.post(f"/staff/kb/from-request/{req.reference}", data={"csrf_token": token})
        assert response.status_code == 403, role
    assert client_as("agent").post(f"/staff/kb/from-request/{req.reference}").status_code == 400  # no CSRF
    token = csrf_token(client_as("agent"), "/kb/en/")
    missing = client_as("agent").post("/staff/kb/from-request/SR-1999-000001", data={"csrf_token": token})
    assert missing.status_code == 404
    assert db.scalar(select(Article)) is None
    assert turn_into_draft(client_as("admin"), req.reference).status_code == 302
    assert db.scalar(select(Article)).source_request_id == req.id


def test_two_drafts_from_similar_subjects_get_distinct_slugs(app, client_as, db, users):
    first = resolved_request(app, db, users)
    second = make_request(app, db, users["customer"], subject=first.subject)
    second.status, second.description = RequestStatus.RESOLVED, DESCRIPTION
    db.commit()
    agent = client_as("agent")
    turn_into_draft(agent, first.reference)
    turn_into_draft(agent, second.reference)
    drafts = db.execute(select(Article.locale, Article.slug).order_by(Article.id)).all()
    assert len(drafts) == 2 and drafts[0].locale == drafts[1].locale == "en"
    assert drafts[1].slug == drafts[0].slug + "-2"


def test_turning_the_same_request_into_a_draft_twice_opens_the_first_draft(app, client_as, db, users):
    req = resolved_request(app, db, users, locale="en")
    agent = client_as("agent")
    first = turn_into_draft(agent, req.reference)
    second = turn_into_draft(agent, req.reference)
    assert second.status_code == 302 and second.location == first.location
    assert len(db.scalars(select(Article)).all()) == 1
    db.expire_all()
    assert [e.kind for e in req.events].count("kb_draft") == 1
    page = agent.get(second.location).get_data(as_text=True)
    assert "already drafted from this request" in page

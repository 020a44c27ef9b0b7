"""Reading: published articles only, language fallback, translations, feedback, deflection."""

from sqlalchemy import select

from knowledge_base import workflow
from knowledge_base.models import ArticleFeedback, DeflectionEvent
from tests.conftest import csrf_token
from tests.integration.kb_helpers import publish_article


def test_reader_gets_their_language_with_english_fallback(app, client, db):
    publish_article(app, db, slug="router-tips", locale="en", title="Router tips", key="router-tips")
    publish_article(app, db, slug="router-tips", locale="pl", title="Porady o routerze", key="router-tips")
    publish_article(app, db, slug="only-english", locale="en", title="Only English", key="only-english")
    polish_reader = {"Accept-Language": "pl"}
    polish = client.get("/kb/a/router-tips", headers=polish_reader, follow_redirects=True).get_data(
        as_text=True
    )
    assert "Porady o routerze" in polish and 'hreflang="en"' in polish
    fallback = client.get("/kb/a/only-english", headers=polish_reader, follow_redirects=True)
    assert "Only English" in fallback.get_data(as_text=True)
    index = client.get("/kb/pl/", headers=polish_reader).get_data(as_text=True)
    assert "Porady o routerze" in index and ">Router tips<" not in index and "Only English" in index


def test_drafts_are_never_shown(app, client, db):
    workflow.create_article(
        db,
        slug="secret-draft",
        locale="en",
        category=None,
        author_id=None,
        draft=workflow.Draft("Secret draft", "Not yet.", []),
    )
    db.commit()
    assert client.get("/kb/en/a/secret-draft").status_code == 404


def test_category_pages_breadcrumbs_and_related(app, client, db):
    publish_article(app, db, slug="router-tips", title="Router tips")
    publish_article(app, db, slug="router-reset", title="Router reset")
    page = client.get("/kb/en/a/router-tips").get_data(as_text=True)
    assert 'href="/kb/en/c/networking"' in page and "Router reset" in page and "Last updated" in page
    assert "Router tips" in client.get("/kb/en/c/networking").get_data(as_text=True)
    assert client.get("/kb/en/c/no-such-category").status_code == 404


def test_odd_slugs_never_crash(client):
    for slug in ["..%2F..%2Fetc", "a" * 500, "żółw", "<script>", "x'--"]:
        assert client.get(f"/kb/en/a/{slug}").status_code == 404
    assert client.get("/kb/en/a/%00").status_code == 400
    assert client.get("/kb/en/search?q=router%00").status_code == 400


def test_one_vote_per_user_and_staff_see_helpfulness(app, client_as, db):
    article = publish_article(app, db)
    customer = client_as("customer")
    token = csrf_token(customer, "/kb/en/a/router-tips")
    customer.post(
        "/kb/en/a/router-tips/feedback", data={"helpful": "no", "comment": "Clear", "csrf_token": token}
    )
    for _ in range(2):  # a user's vote is changeable, never added twice
        customer.post("/kb/en/a/router-tips/feedback", data={"helpful": "yes", "csrf_token": token})
    db.expire_all()
    votes = db.scalars(select(ArticleFeedback)).all()
    assert [(v.helpful, v.comment) for v in votes] == [(True, "Clear")]
    assert db.get(type(article), article.id).helpful_yes == 1
    assert "100% (1/1)" in client_as("agent").get("/staff/kb").get_data(as_text=True)


def test_anonymous_votes_are_one_per_browser_session(app, client, db):
    publish_article(app, db)
    token = csrf_token(client, "/kb/en/a/router-tips")
    for _ in range(3):
        client.post("/kb/en/a/router-tips/feedback", data={"helpful": "no", "csrf_token": token})
    assert len(db.scalars(select(ArticleFeedback)).all()) == 1
    assert (
        client.post(
            "/kb/en/a/router-tips/feedback", data={"helpful": "maybe", "csrf_token": token}
        ).status_code
        == 400
    )


def test_suggestions_and_deflection_rate(app, client_as, db):
    publish_article(app, db, title="Router drops the connection", body="Restart the router.")
    customer = client_as("customer")
    customer.get("/requests/new")
    answer = customer.get("/kb/suggest?q=router connection").get_json()
    assert answer["articles"][0]["url"] == "/kb/en/a/router-tips?from=suggest"
    assert customer.get("/kb/suggest?q=ro").get_json() == {"articles": []}
    customer.get(answer["articles"][0]["url"])
    events = db.scalars(select(DeflectionEvent)).all()
    assert [e.kind for e in events] == ["opened"]
    html = client_as("agent").get("/staff/kb").get_data(as_text=True)
    assert "100%" in html.split("Request deflection per week")[1]

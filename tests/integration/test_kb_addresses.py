"""One address per article and language: routing, redirects, hreflang, canonical, the switcher."""

import re

import pytest

from knowledge_base import workflow
from tests.conftest import csrf_token
from tests.integration.api_helpers import bearer, make_token
from tests.integration.kb_helpers import publish_article

BASE = "http://portal.test"


@pytest.fixture
def washer(app, db):
    """An English article with Polish (own slug) and Czech (same slug) translations, no Russian."""
    app.config["BASE_URL"] = BASE
    publish_article(app, db, slug="washer-drum", title="Cleaning the washer drum", key="washer-drum")
    publish_article(
        app, db, slug="beben-pralki", locale="pl", title="Czyszczenie bębna pralki", key="washer-drum"
    )
    publish_article(app, db, slug="washer-drum", locale="cs", title="Čištění bubnu pračky", key="washer-drum")


@pytest.mark.parametrize("locale", ["en", "pl", "cs", "ru"])
def test_every_locale_has_an_index_search_and_category_address(client, washer, locale):
    assert client.get(f"/kb/{locale}/").status_code == 200
    assert client.get(f"/kb/{locale}/search?q=drum").status_code == 200
    assert client.get(f"/kb/{locale}/c/networking").status_code == 200


@pytest.mark.parametrize(
    "path", ["/kb/de/", "/kb/xx/a/washer-drum", "/kb/EN/search?q=x", "/kb/pl-PL/c/networking"]
)
def test_unknown_locale_in_the_path_is_404(client, washer, path):
    assert client.get(path).status_code == 404


def test_each_translation_has_its_own_address_and_content(client, washer):
    polish = client.get("/kb/pl/a/beben-pralki").get_data(as_text=True)
    czech = client.get("/kb/cs/a/washer-drum").get_data(as_text=True)
    english = client.get("/kb/en/a/washer-drum").get_data(as_text=True)
    assert '<article class="panel kb-article" lang="pl">' in polish and "Czyszczenie bębna pralki" in polish
    assert 'lang="cs"' in czech and "Čištění bubnu pračky" in czech
    assert "Cleaning the washer drum" in english
    assert '<html lang="en">' in polish  # the interface stays the reader's language


def test_hreflang_alternates_and_canonical_name_every_published_version(client, washer):
    page = client.get("/kb/pl/a/beben-pralki").get_data(as_text=True)
    links = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page))
    assert links == {
        "en": f"{BASE}/kb/en/a/washer-drum",
        "pl": f"{BASE}/kb/pl/a/beben-pralki",
        "cs": f"{BASE}/kb/cs/a/washer-drum",
        "x-default": f"{BASE}/kb/en/a/washer-drum",
    }
    assert f'<link rel="canonical" href="{BASE}/kb/pl/a/beben-pralki">' in page


def test_other_languages_link_to_each_translations_own_address(client, washer):
    page = client.get("/kb/en/a/washer-drum").get_data(as_text=True)
    assert 'href="/kb/pl/a/beben-pralki" hreflang="pl"' in page
    assert 'href="/kb/cs/a/washer-drum" hreflang="cs"' in page


def test_slug_of_another_language_redirects_to_the_version_in_the_path_language(client, washer):
    response = client.get("/kb/pl/a/washer-drum?from=mail")
    assert response.status_code == 302
    assert response.headers["Location"] == "/kb/pl/a/beben-pralki?from=mail"


def test_slug_only_in_other_languages_redirects_to_an_available_one(client, washer):
    response = client.get("/kb/ru/a/beben-pralki", headers={"Accept-Language": "ru"})
    assert response.status_code == 302 and response.headers["Location"] == "/kb/en/a/washer-drum"
    assert client.get("/kb/ru/a/no-such-article").status_code == 404


def test_old_article_address_moves_permanently_to_the_readers_version(client, washer):
    polish = client.get("/kb/a/washer-drum?x=1&x=2", headers={"Accept-Language": "pl"})
    assert polish.status_code == 301 and polish.headers["Location"] == "/kb/pl/a/beben-pralki?x=1&x=2"
    assert "Accept-Language" in polish.headers["Vary"]
    russian = client.get("/kb/a/washer-drum", headers={"Accept-Language": "ru"})
    assert russian.headers["Location"] == "/kb/en/a/washer-drum"  # no Russian version: the source
    assert client.get("/kb/a/no-such-article").status_code == 404


def test_old_index_category_and_search_addresses_go_to_the_readers_language(client, washer):
    czech = {"Accept-Language": "cs"}
    assert client.get("/kb", headers=czech).headers["Location"] == "/kb/cs/"
    assert client.get("/kb/c/networking", headers=czech).headers["Location"] == "/kb/cs/c/networking"
    search = client.get("/kb/search?q=buben+pra%C4%8Dky&page=2", headers=czech)
    assert search.status_code == 302
    assert search.headers["Location"] == "/kb/cs/search?q=buben+pra%C4%8Dky&page=2"


@pytest.mark.parametrize(
    "query",
    ["next=//evil.example", "q=https://evil.example/", "_external=1&q=x", "q=%0d%0aLocation:%20//evil"],
)
def test_redirects_keep_query_strings_but_never_leave_the_site(client, washer, query):
    for path in ("/kb", "/kb/search", "/kb/a/washer-drum", "/kb/pl/a/washer-drum"):
        location = client.get(f"{path}?{query}").headers["Location"]
        assert location.startswith("/kb/") and not location.startswith("//")
        assert "\r" not in location and "\n" not in location


def test_english_page_tells_a_reader_without_a_translation_which_languages_exist(client, washer):
    page = client.get("/kb/en/a/washer-drum", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Эта статья пока недоступна на вашем языке" in page
    notice = page[page.index("kb-no-translation") : page.index("</section>", page.index("kb-no-translation"))]
    assert 'href="/kb/pl/a/beben-pralki"' in notice and 'href="/kb/cs/a/washer-drum"' in notice
    polish_reader = client.get("/kb/en/a/washer-drum", headers={"Accept-Language": "pl"}).get_data(
        as_text=True
    )
    assert "kb-no-translation" not in polish_reader  # a Polish version exists: the usual link suffices


def test_the_missing_translation_notice_never_offers_the_pages_own_language(client, washer):
    page = client.get("/kb/en/a/washer-drum", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    notice = page[page.index("kb-no-translation") : page.index("</section>", page.index("kb-no-translation"))]
    assert 'href="/kb/en/a/washer-drum"' not in notice and 'hreflang="en"' not in notice
    assert notice.count("<li>") == 2  # Polish and Czech


def test_the_notice_offers_nothing_when_no_other_language_exists(app, db, client):
    publish_article(app, db, slug="only-english", title="Only in English", key="only-english")
    page = client.get("/kb/en/a/only-english", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    notice = page[page.index("kb-no-translation") : page.index("</section>", page.index("kb-no-translation"))]
    assert "Эта статья пока недоступна на вашем языке." in notice and "<li>" not in notice


def test_language_switcher_goes_to_the_translations_own_address(client, washer):
    token = csrf_token(client, "/kb/en/a/washer-drum")
    answer = client.post(
        "/language", data={"locale": "pl", "next": "/kb/en/a/washer-drum", "csrf_token": token}
    )
    assert answer.headers["Location"] == "/kb/pl/a/beben-pralki"
    to_russian = client.post(
        "/language", data={"locale": "ru", "next": "/kb/en/search?q=drum", "csrf_token": token}
    )
    assert to_russian.headers["Location"] == "/kb/ru/search?q=drum"
    elsewhere = client.post(
        "/language", data={"locale": "cs", "next": "//evil.example/", "csrf_token": token}
    )
    assert elsewhere.headers["Location"] == "/"


def test_feedback_goes_to_the_version_in_the_path(client, washer, db):
    token = csrf_token(client, "/kb/pl/a/beben-pralki")
    answer = client.post("/kb/pl/a/beben-pralki/feedback", data={"helpful": "yes", "csrf_token": token})
    assert answer.headers["Location"] == "/kb/pl/a/beben-pralki"
    assert (
        client.post(
            "/kb/ru/a/beben-pralki/feedback", data={"helpful": "yes", "csrf_token": token}
        ).status_code
        == 404
    )


def test_api_gives_each_published_article_its_own_address(app, db, users, client, washer):
    workflow.create_article(
        db, slug="draft-only", locale="en", category=None, author_id=None, draft=workflow.Draft("D", "d", [])
    )
    db.commit()
    agent = make_token(app, db, users["agent"])
    items = client.get("/api/v1/articles?limit=50", headers=bearer(agent)).json["items"]
    urls = {(a["locale"], a["slug"]): a["url"] for a in items}
    assert urls[("pl", "beben-pralki")] == f"{BASE}/kb/pl/a/beben-pralki"
    assert urls[("cs", "washer-drum")] == f"{BASE}/kb/cs/a/washer-drum"
    assert urls[("en", "draft-only")] is None  # not on the site: no address


def test_no_link_on_knowledge_base_pages_points_at_a_redirect(client, washer):
    pages = [
        "/kb/en/",
        "/kb/pl/",
        "/kb/en/a/washer-drum",
        "/kb/pl/a/beben-pralki",
        "/kb/en/search?q=drum",
        "/",
    ]
    pages += ["/kb/en/c/networking", "/kb/en/search?q=pralki"]
    seen = set()
    for page in pages:
        html = client.get(page, headers={"Accept-Language": "ru"}).get_data(as_text=True)
        seen.update(re.findall(r'(?:href|action)="(/kb[^"#]*)"', html))
    assert any("/kb/pl/a/" in link for link in seen) and any("/search" in link for link in seen)
    for link in sorted(s for s in seen if not s.endswith("/feedback")):  # forms that POST
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link


@pytest.mark.parametrize(
    ("path", "own"), [("/kb/cs/", "/kb/cs/"), ("/kb/ru/c/networking", "/kb/ru/c/networking")]
)
def test_index_and_category_pages_name_their_language_versions(client, washer, path, own):
    page = client.get(path).get_data(as_text=True)
    links = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page))
    tail = own.split("/", 3)[3]
    assert links == {code: f"{BASE}/kb/{code}/{tail}" for code in ("en", "pl", "cs", "ru")} | {
        "x-default": f"{BASE}/kb/en/{tail}"
    }
    assert re.findall(r'<link rel="canonical" href="([^"]+)">', page) == [f"{BASE}{own}"]


def test_a_newly_published_translation_joins_the_alternates_at_once(app, db, client, washer):
    assert 'hreflang="ru"' not in client.get("/kb/en/a/washer-drum").get_data(as_text=True)  # cached now
    publish_article(app, db, slug="baraban", locale="ru", title="Чистка барабана", key="washer-drum")
    page = client.get("/kb/en/a/washer-drum").get_data(as_text=True)
    assert f'<link rel="alternate" hreflang="ru" href="{BASE}/kb/ru/a/baraban">' in page

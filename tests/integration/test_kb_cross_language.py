"""Queries in another language than the page's: detected, searched in their language, labelled."""

import pytest

from portal.kb import search_service
from tests.integration.kb_helpers import publish_article


@pytest.fixture
def washers(app, db):
    publish_article(
        app,
        db,
        slug="pralka-nie-wiruje",
        locale="pl",
        title="Pralka nie wiruje",
        body="Gdy pralka nie wiruje, sprawdź filtr pompy. Pralki z pełnym bębnem wirują wolniej.",
        tags=("pralka",),
        key="washer-spin",
    )
    publish_article(
        app,
        db,
        slug="washer-spin",
        title="The washing machine does not spin",
        body="Check the pump filter when the washing machine does not spin.",
        tags=("washer",),
        key="washer-spin",
    )


def test_polish_query_in_the_english_interface_finds_polish_articles_labelled(client, washers):
    page = client.get("/kb/en/search?q=pralki", headers={"Accept-Language": "en"}).get_data(as_text=True)
    other = page[page.index("results-other") :]
    assert 'lang="pl"' in page[page.index("results-other") - 40 :]
    assert 'href="/kb/pl/a/pralka-nie-wiruje" hreflang="pl"' in other and "Pralka nie wiruje" in other
    assert "Results in another language" in page


def test_query_in_the_page_language_searches_only_that_language(client, washers):
    page = client.get("/kb/pl/search?q=pralki").get_data(as_text=True)
    assert "results-other" not in page and 'href="/kb/pl/a/pralka-nie-wiruje"' in page


def test_request_form_suggestions_include_the_querys_language(app, client_as, washers):
    answer = client_as("customer").get("/kb/suggest?q=pralka nie wiruje").get_json()
    assert answer["articles"][0]["url"] == "/kb/pl/a/pralka-nie-wiruje?from=suggest"
    assert answer["articles"][0]["locale"] == "pl"


def test_service_labels_every_hit_with_its_language(app, washers):
    with app.test_request_context("/"):
        results = search_service.search_across("pralka nie wiruje", "en")
        assert results.other_locale == "pl"
        assert [(h.slug, h.locale) for h in results.other_hits] == [("pralka-nie-wiruje", "pl")]
        assert search_service.search_across("washing machine", "en").other_locale is None


def test_other_language_results_are_counted_and_not_called_nothing_found(client, washers):
    page = client.get("/kb/en/search?q=pralki", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "results-other" in page
    assert "0 results" not in page and "1 result" in page
    assert "Nothing found" not in page


def test_other_language_results_are_badged_with_the_language_name(client, washers):
    page = client.get("/kb/en/search?q=pralki", headers={"Accept-Language": "en"}).get_data(as_text=True)
    other = page[page.index("results-other") :]
    assert '<span class="badge" title="Language">Polski</span>' in other
    assert '<span class="badge" title="Language">pl</span>' not in other


def test_nothing_found_when_neither_language_has_results(client, washers):
    page = client.get("/kb/en/search?q=zyxwvut", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "0 results" in page and "Nothing found" in page

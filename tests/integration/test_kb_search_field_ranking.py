"""Field-aware ranking, the same rule on both engines: each field (title, tags and category,
body) has its own idf, as in Whoosh's BM25F, so a word that every body mentions but only one
title holds still points to that article."""

import pytest

from knowledge_base.search import SearchDocument
from tests.integration.kb_helpers import empty_search_backend, search_engines

FILLER = ["Paper", "Queue", "Driver", "Network", "Colour", "Scanner", "Fonts", "Trays"]


def documents() -> list[SearchDocument]:
    docs = [
        SearchDocument(1, "printer-settings", "en", "Printer settings", "Open the settings of the printer."),
        SearchDocument(2, "ink-levels", "en", "Ink levels", "The printer shows a cartridge warning."),
        SearchDocument(3, "refill", "en", "Refilling", "Refill the cartridge before the printer stops."),
        SearchDocument(4, "jams", "en", "Jams", "Remove the cartridge and the paper when the printer jams."),
    ]
    for n, title in enumerate(FILLER, start=5):
        docs.append(SearchDocument(n, title.lower(), "en", title, f"{title} options of the printer."))
    return docs


@pytest.fixture(params=search_engines())
def search(request, tmp_path):
    backend = empty_search_backend(request, tmp_path)
    backend.index(documents())
    yield backend
    backend.clear()


def test_a_word_rare_in_titles_counts_as_rare_in_the_title(search):
    # "printer" is in every body (idf ~0 over whole documents) but in one title only
    hits = [h.slug for h in search.search("printer cartridge", "en").hits]
    assert hits[0] == "printer-settings"
    assert set(hits[1:4]) == {"ink-levels", "refill", "jams"}

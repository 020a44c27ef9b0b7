"""A word too garbled for one edit is corrected through the index's terms with its prefix
(Whoosh hands those back as bytes): the query plan must get text, in every language."""

import pytest

from knowledge_base.search.base import SearchDocument
from knowledge_base.search.whoosh import WhooshBackend

DOCUMENTS = [
    SearchDocument(1, "en-sound", "en", "Sound settings", "Choose the sound output device."),
    SearchDocument(2, "pl-sound", "pl", "Ustawienia dźwięku", "Wybierz urządzenie dźwiękowe."),
    SearchDocument(3, "cs-sound", "cs", "Nastavení zvuku", "Vyberte zvukové zařízení."),
    SearchDocument(4, "ru-sound", "ru", "Настройка звука", "Звуковое устройство и сетевые параметры."),
]


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    whoosh = WhooshBackend(tmp_path_factory.mktemp("prefix") / "index")
    whoosh.index(DOCUMENTS)
    return whoosh


@pytest.mark.parametrize(
    ("lang", "query", "slug"),
    [
        ("cs", "nastaveníxxxx", "cs-sound"),
        ("ru", "звуковоыыы", "ru-sound"),
        ("ru", "сетеввввой", "ru-sound"),
    ],
)
def test_a_word_corrected_by_its_prefix_finds_the_article(backend, lang, query, slug):
    assert [hit.slug for hit in backend.search(query, lang).hits] == [slug]

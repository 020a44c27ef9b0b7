"""Lemma matching: every inflected form of every word of a phrase."""

import pytest

from tests.unit.linker.conftest import linked


@pytest.mark.parametrize(
    "lang,text,offer",
    [
        ("pl", "Filtr pralki czyścimy co miesiąc.", "washing-machine"),
        ("pl", "Kupiłem nową pralkę w zeszłym roku.", "washing-machine"),
        ("pl", "Porównaliśmy ceny z innymi pralkami tego producenta.", "washing-machine"),
        ("ru", "Фильтр стиральной машины нужно чистить регулярно.", "washing-machine"),
        ("ru", "Мы сравнили стиральные машины трёх марок.", "washing-machine"),
        ("en", "Sharp knives make cooking safer and faster.", "kitchen-knives"),
        ("en", "Both washing machines spin at 1400 rpm.", "washing-machine"),
        ("cs", "Filtr pračky vyčistěte jednou za měsíc.", "washing-machine"),
        ("cs", "S pojištěním domácnosti máte klid.", "home-insurance"),
        ("cs", "Kávovary odvápňujte pravidelně.", "coffee-machine"),
    ],
)
def test_inflected_forms_match_the_offer_phrase(linker, lang, text, offer):
    assert offer in linked(linker.scan(text, lang=lang))


def test_offsets_point_at_the_matched_words(linker):
    text = "Jak wyczyścić filtr pralki? Odłącz urządzenie."
    link = linker.scan(text, lang="pl").links[0]
    assert text[link.start : link.end] == link.text == "pralki"


def test_substrings_of_other_words_do_not_match(linker):
    # нож must not match inside ножницы (scissors); knife not inside "knifepoint"-like compounds
    assert "kitchen-knives" not in linked(linker.scan("Купите новые ножницы для бумаги.", lang="ru"))


def test_the_longest_phrase_wins(linker):
    result = linker.scan("Our new knife set suits every kitchen.", lang="en")
    assert [link.text for link in result.links] == ["knife set"]


def test_language_is_detected_when_not_given(linker):
    result = linker.scan("Nowe pralki w klasie energetycznej A zużywają o 40% mniej prądu.")
    assert result.lang == "pl" and "washing-machine" in linked(result)


def test_every_link_says_why(linker):
    link = linker.scan("Clean the filter of your washing machine monthly.", lang="en").links[0]
    assert any(r.startswith("match:lemma") for r in map(str, link.reasons))
    assert link.sentence.startswith("Clean the filter")

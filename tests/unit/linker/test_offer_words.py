"""Issue #17.7: offer words the lemmatiser got wrong, and phrase_report for marketers."""

import pytest

from linker import Linker, phrase_report

OFFERS = [
    {"id": "rope", "url": "https://shop.example.com/rope", "phrases": {"pl": ["lina"], "ru": ["банка"]}},
    {
        "id": "gadgets",
        "url": "https://shop.example.com/gadgets",
        "phrases": {"en": ["smartphone"], "cs": ["router", "dětská chůvička"]},
    },
]


@pytest.fixture(scope="module")
def adopted():
    return Linker(OFFERS)


@pytest.mark.parametrize(
    "lang,text,expected",
    [
        ("pl", "Kup nową linę do wspinaczki.", "linę"),
        ("pl", "Ta lina jest mocna.", "lina"),
        ("ru", "Купите новую банку для варенья.", "банку"),
        ("en", "Our smartphones are great.", "smartphones"),
        ("cs", "Připojte se routerem.", "routerem"),
        ("cs", "Uspávání s dětskou chůvičkou.", "dětskou chůvičkou"),
    ],
)
def test_offer_words_match_their_own_forms(adopted, lang, text, expected):
    assert [link.text for link in adopted.scan(text, lang=lang).links] == [expected]


def test_the_other_word_is_not_taken_for_the_offer(adopted):
    assert adopted.scan("Nowy lin pływa w stawie.", lang="pl").links == []


def test_the_report_lists_the_forms_and_warns_of_another_reading():
    report = phrase_report("pl", "lina")
    assert report.lemmas == ("lina",)
    assert {"lina", "linę", "liną"} <= set(report.forms) and "lin" not in report.forms
    assert [(w.kind, w.others) for w in report.warnings] == [("ambiguous", ("lin",))]


def test_the_report_warns_when_the_lemma_is_another_word():
    report = phrase_report("cs", "tablet")
    assert report.lemmas == ("tableta",)
    assert [w.kind for w in report.warnings] == ["lemma_differs"]
    assert "tableta" in report.warnings[0].message()


def test_the_report_of_a_plain_phrase_has_no_surprises():
    report = phrase_report("en", "coffee machine")
    assert "coffee machines" in report.forms and report.warnings == ()


def test_the_report_refuses_an_unsupported_language():
    with pytest.raises(ValueError):
        phrase_report("de", "Router")


def test_one_linkers_offer_words_do_not_change_another_linkers_reading(adopted):
    # `adopted` reads "lina" as rope; a fishing shop's Linker in the same process must still
    # read "lina" as the accusative of "lin" (tench), and the shared dictionary is unchanged
    fishing = Linker([{"id": "tench", "url": "https://shop.example.com/tench", "phrases": {"pl": ["lin"]}}])
    caught = fishing.scan("Złowiłem wczoraj lina w stawie.", lang="pl")
    assert [link.offer for link in caught.links] == ["tench"]
    assert adopted.models["pl"].words.lemma("lina") == "lina"
    assert fishing.models["pl"].words.lemma("lina") == "lin"
    from linker.lemmas import backend_for

    assert backend_for("pl").lemma("lina") == "lin"
    phrase_report("en", "gizmophone")
    assert backend_for("en").lemma("gizmophones") == "gizmophones"

"""Polish and Czech search terms: word families.

Each test names one rule of `knowledge_base/search/families_pl.py` or `families_cs.py` (or the
Czech lemma choice in it) and fails when that rule is taken out.
"""

import pytest

from knowledge_base.search.analysis import normalise


def pl(word: str) -> str:
    return normalise(word, "pl")


def cs(word: str) -> str:
    return normalise(word, "cs")


@pytest.mark.parametrize(
    "noun,verb", [("usunięcie", "usunąć"), ("podłączenie", "podłączyć"), ("drukowanie", "drukować")]
)
def test_pl_a_gerund_noun_is_its_verb(noun, verb):
    assert pl(noun) == pl(verb)


def test_pl_a_noun_in_acja_is_its_verb_in_owac():
    assert pl("instalacja") == pl("instalować")
    assert pl("konfiguracji") == pl("konfigurować")


@pytest.mark.parametrize(
    "imperfective,perfective",
    [
        ("usuwać", "usunąć"),  # -uwać / -unąć
        ("zmieniać", "zmienić"),  # -iać / -ić
        ("podłączać", "podłączyć"),  # -ać / -yć
        ("zapisywać", "zapisać"),  # -ywać / -ać
        ("wybierać", "wybrać"),  # -ierać / -rać
        ("uruchamiać", "uruchomić"),  # a / o
        ("zamykać", "zamknąć"),  # -ykać / -knąć
        ("używać", "użyć"),  # -wać / -ć
    ],
)
def test_pl_a_secondary_imperfective_is_its_perfective(imperfective, perfective):
    assert pl(imperfective) == pl(perfective)


def test_pl_an_empty_prefix_of_a_borrowed_verb_is_dropped():
    assert pl("zainstalować") == pl("instalować")
    assert pl("skopiować") == pl("kopiować")
    assert pl("wylogować") != pl("logować")  # wy- is not empty


def test_pl_listed_zero_suffix_nouns():
    assert pl("zmiana") == pl("zmieniać") == pl("zmienić")
    assert pl("wybór") == pl("wybrać")


def test_pl_kept_nouns_and_primary_verbs_stay_apart():
    assert pl("urządzenie") != pl("urządzić")
    assert pl("ustawienia") != pl("ustawić")
    assert pl("pisać") != pl("pisnąć")


def test_cs_two_lemmas_the_dictionary_swaps_are_one():
    assert cs("změnit") == cs("měnit") == cs("mění")
    assert cs("smazat") == cs("mazat")


@pytest.mark.parametrize(
    "noun,verb",
    [("připojení", "připojit"), ("odstranění", "odstranit"), ("vypnutí", "vypnout"), ("spuštění", "spustit")],
)
def test_cs_a_verbal_noun_is_its_verb(noun, verb):
    assert cs(noun) == cs(verb)


@pytest.mark.parametrize(
    "imperfective,perfective",
    [("připojovat", "připojit"), ("odstraňovat", "odstranit"), ("přihlašovat", "přihlásit")],
)
def test_cs_a_secondary_imperfective_in_ovat_is_its_perfective(imperfective, perfective):
    assert cs(imperfective) == cs(perfective)


def test_cs_a_noun_in_ace_is_its_verb_in_ovat():
    assert cs("instalace") == cs("instalovat")
    assert cs("aktualizace") == cs("aktualizovat")


def test_cs_an_infinitive_is_read_as_itself_and_empty_prefixes_dropped():
    assert cs("instalovat") != cs("reinstalovat")
    assert cs("nainstalovat") == cs("instalovat")


def test_cs_listed_zero_suffix_nouns_and_kept_words():
    assert cs("změna") == cs("změnit")
    assert cs("oprava") == cs("opravit")
    assert cs("aplikace") != cs("aplikovat")

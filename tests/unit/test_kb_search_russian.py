"""Russian search terms: word families, lemma choice, other readings and everyday words.

Each test names one rule of `knowledge_base/search/families.py`, `analysis.py` or the Russian
everyday-word map, and fails when that rule is taken out.
"""

import pytest

from knowledge_base.search.analysis import normalise, query_terms, readings
from knowledge_base.search.families import family
from knowledge_base.search.plan import READING_WEIGHT, SUBSTITUTE_WEIGHT, plan
from knowledge_base.search.synonyms import related


def ru(word: str) -> str:
    return normalise(word, "ru")


def test_a_reflexive_verb_is_its_plain_verb():
    assert ru("подключается") == ru("подключить")
    assert ru("выключается") == ru("выключить")


@pytest.mark.parametrize(
    "noun,verb",
    [
        ("удаление", "удалить"),  # -ение
        ("сканирование", "сканировать"),  # -ание
        ("нажатие", "нажать"),  # -тие
        ("обновление", "обновить"),  # вл / в
        ("снижение", "снизить"),  # ж / з
        ("настройка", "настроить"),  # -ка after й
        ("перезагрузка", "перезагрузить"),  # -ка
    ],
)
def test_a_verbal_noun_is_its_verb(noun, verb):
    assert ru(noun) == ru(verb)


@pytest.mark.parametrize(
    "imperfective,perfective",
    [
        ("удалять", "удалить"),  # -ять
        ("включать", "включить"),  # -ать
        ("загружать", "загрузить"),  # ж / з
        ("заряжать", "зарядить"),  # ж / д
        ("очищать", "очистить"),  # щ / ст
        ("добавлять", "добавить"),  # вл / в
        ("устанавливать", "установить"),  # -ивать, а / о
        ("настраивать", "настроить"),  # -ивать, а / о
        ("показывать", "показать"),  # -ывать
        ("открывать", "открыть"),  # -вать
        ("запускать", "запустить"),  # ск / ст
    ],
)
def test_a_secondary_imperfective_is_its_perfective(imperfective, perfective):
    assert ru(imperfective) == ru(perfective)


def test_a_quality_noun_is_its_adjective_and_its_comparative():
    assert ru("яркость") == ru("яркий") == ru("ярче")
    assert ru("громкость") == ru("громче")


def test_listed_zero_suffix_nouns_and_diminutives():
    assert ru("выбор") == ru("выбрать")
    assert ru("отмена") == ru("отменить")
    assert ru("мышка") == ru("мышь")
    assert ru("напечатать") == ru("печать")


def test_rules_never_join_words_whose_meanings_differ():
    assert ru("приложение") != ru("приложить")  # app / attach: listed
    assert ru("состояние") != ru("состоять")  # listed
    assert family("делать") == "делать"  # делить is not a perfective: checked in the dictionary
    assert family("точка") == "точка"  # too short a stem for the -ка rule
    assert family("папка") == "папка"


def test_a_word_that_is_a_dictionary_lemma_is_read_as_itself():
    # pymorphy3's first reading of "снимок" is the genitive plural of "снимка"
    assert ru("снимок") == ru("снимки") == "снимок"


def test_the_other_readings_of_a_query_word_are_searched_too():
    assert "провод" in readings("проводов", "ru")  # first reading: "проводы"
    vocabulary = {ru("проводов"): 2, "провод": 5}

    def known(words):
        return {w: vocabulary[w] for w in words if w in vocabulary}

    [group] = plan("проводов", "ru", known, lambda prefix: {})
    assert dict(group.terms)["провод"] == READING_WEIGHT


@pytest.mark.parametrize(
    "everyday,help_word",
    [
        ("блютуз", "bluetooth"),
        ("вай", "wi"),  # "вай-фай" is two words; help texts write "Wi-Fi"
        ("скриншот", "экран"),
        ("аккаунт", "учётный"),
        ("засыпать", "ожидание"),
        ("садится", "заряд"),
        ("тихо", "громкость"),
        ("застряла", "замятие"),
        ("фаервол", "межсетевой"),
        ("кулер", "вентилятор"),
        ("поменять", "изменение"),  # everyday verbs for the help texts' verbs
        ("поставить", "установка"),
        ("убрать", "отключение"),
        ("узнать", "определение"),
    ],
)
def test_everyday_russian_words_search_help_words(everyday, help_word):
    assert ru(help_word) in related(ru(everyday), "ru")


def test_a_russian_problem_description_keeps_its_families():
    terms = query_terms("компьютер не выключается, когда закрываю крышку", "ru")
    assert ru("выключение") in terms and ru("закрыть") in terms


def test_a_typo_is_corrected_to_the_term_its_fixed_spelling_is_indexed_under():
    from knowledge_base.search.typos import corrections

    vocabulary = {ru("яркость"): 3, "экран": 9}  # the index holds the family head, not "яркость"

    def known(words):
        return {w: vocabulary[w] for w in words if w in vocabulary}

    assert corrections(ru("яркасть"), "ru", known, lambda prefix: {}, "яркасть") == [ru("яркость")]


def test_inflected_russian_function_words_are_dropped_from_a_query():
    terms = query_terms("какие файлы нужно сохранять в своей резервной копии", "ru")
    assert terms == [ru("файлы"), ru("сохранять"), ru("резервной"), ru("копии")]


def test_a_dictionary_word_missing_from_the_articles_is_not_corrected_but_its_related_words_count():
    vocabulary = {"поле": 7, ru("авиарежим"): 2, ru("самолёт"): 1}

    def known(words):
        return {w: vocabulary[w] for w in words if w in vocabulary}

    [group] = plan("полёта", "ru", known, lambda prefix: {})
    assert "поле" not in dict(group.terms)  # "полёт" is a word, not a typo of "поле"
    assert dict(group.terms)[ru("авиарежим")] == SUBSTITUTE_WEIGHT


def test_a_relational_adjective_and_its_noun_are_searched_together():
    assert ru("звук") in related(ru("звуковой"), "ru")
    assert ru("сеть") in related(ru("сетевой"), "ru")
    assert ru("экранный") in related(ru("экран"), "ru")
    assert ru("клавиатурный") in related(ru("клавиатура"), "ru")
    assert related(ru("полный"), "ru") == ()  # the stem "пол" is too short to be a noun of it

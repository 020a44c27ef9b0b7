"""Russian word families: the forms a Russian speaker takes for one word share one index term.

A help text says "Удаление учётной записи", "Настройка прокси-сервера", "Изменение яркости";
a reader asks "как удалить учётку", "настроить прокси", "экран не становится ярче", or
describes what happens: "компьютер выключается", "не подключается". Lemmas alone keep these
apart (удаление / удалить / удалять / удаляться are four lemmas), so the lemma of a Russian word
is mapped to the head of its family, both when articles are indexed and when a query is read:

- a reflexive verb to the plain verb (подключаться → подключать);
- a verbal noun to its verb (удаление → удалить, нажатие → нажать, настройка → настроить);
- a secondary imperfective to its perfective (удалять → удалить, устанавливать → установить,
  загружать → загрузить), consonant alternations included (ж/з, ж/д, щ/ст, вл/в, жд/д, ...);
- a quality noun to its adjective (яркость → яркий, so "ярче", "яркий" and "яркость" meet);
- a few zero-suffix nouns and everyday diminutives from a list (выбор → выбрать, мышка → мышь).

Every derived candidate must be a word of the dictionary (pymorphy3) with the right part of
speech (and aspect), so a rule never invents a word; a short list keeps apart the nouns whose
verb means something else (приложение "app" is not приложить "attach").
"""

from __future__ import annotations

from functools import cache, lru_cache

#: Nouns and adjectives that stay themselves: their look-alike verb or adjective means something else.
_KEPT = """
    приложение разрешение заставка состояние положение предложение значение отношение выражение
    задание расписание внимание занятие понятие событие заметка переписка новость личность старость
    радость гадость должность область ведомость крепость слабость сложение
"""
KEEP = frozenset(_KEPT.split())
#: Pairs no suffix rule derives: zero-suffix nouns and the diminutives people type for devices.
LISTED = {
    "выбор": "выбрать",
    "смена": "сменить",
    "замена": "заменить",
    "отмена": "отменить",
    "сброс": "сбросить",
    "запуск": "запустить",
    "перезапуск": "перезапустить",
    "обмен": "обменять",
    "просмотр": "просмотреть",
    "показ": "показать",
    "печать": "печатать",
    "напечатать": "печатать",
    "распечатать": "печатать",
    "ввод": "ввести",
    "вывод": "вывести",
    "вход": "войти",
    "выход": "выйти",
    "переход": "перейти",
    "просыпаться": "проснуться",
    "мышка": "мышь",
    "батарейка": "батарея",
    "кнопочка": "кнопка",
    "папочка": "папка",
    "файлик": "файл",
    "окошко": "окно",
    "экранчик": "экран",
    "ноут": "ноутбук",
    "комп": "компьютер",
    "компик": "компьютер",
}
#: A consonant of the imperfective or the verbal noun, and the perfective's consonants it stands for.
_ALTERNATIONS = (
    ("вл", ("в",)),
    ("бл", ("б",)),
    ("пл", ("п",)),
    ("мл", ("м",)),
    ("фл", ("ф",)),
    ("жд", ("д",)),
    ("ж", ("з", "д", "г")),
    ("щ", ("ст", "т", "ск")),
    ("ч", ("т", "к")),
    ("ш", ("с", "х")),
    ("ск", ("ст",)),
)
#: Verbal noun endings, with the infinitive endings they come from.
_NOUN_ENDINGS = (
    ("ение", ("ить", "ять", "еть")),
    ("ание", ("ать",)),
    ("яние", ("ять",)),
    ("тие", ("ть",)),
)
#: Secondary imperfective endings, with the perfective endings they come from ("а" → "о" in the root
#: is tried for -ивать/-ывать: настраивать → настроить, устанавливать → установить).
_IMPERFECTIVE_ENDINGS = (
    ("ивать", ("ить", "ать")),
    ("ывать", ("ать", "ить")),
    ("вать", ("ть",)),
    ("ять", ("ить",)),
    ("ать", ("ить", "нуть")),
)
MIN_STEM = 3
MIN_KA_STEM = 5


@cache
def _morph():
    from linker.lemmas import backend_for

    return backend_for("ru").morph


@lru_cache(maxsize=100_000)
def _is(word: str, pos: str, aspect: str = "") -> bool:
    """Whether the dictionary knows `word` as a lemma of part of speech `pos` (and `aspect`)."""
    morph = _morph()
    if not morph.word_is_known(word):
        return False
    return any(
        p.normal_form.replace("ё", "е") == word and pos == p.tag.POS and (not aspect or aspect in p.tag)
        for p in morph.parse(word)
    )


def _stems(stem: str) -> list[str]:
    """`stem` and the stems its final consonant alternates with."""
    found = [stem]
    for ending, originals in _ALTERNATIONS:
        if stem.endswith(ending):
            found.extend(stem[: -len(ending)] + original for original in originals)
    return found


def _first(candidates, pos: str, aspect: str = "") -> str:
    return next((c for c in dict.fromkeys(candidates) if _is(c, pos, aspect)), "")


def _verb_of_noun(noun: str) -> str:
    """The verb a verbal noun is made from ("" when none is found)."""
    for ending, verb_endings in _NOUN_ENDINGS:
        stem = noun[: -len(ending)]
        if noun.endswith(ending) and len(stem) >= MIN_STEM:
            return _first((s + e for s in _stems(stem) for e in verb_endings), "INFN")
    if noun.endswith("ка") and len(noun) - 2 >= MIN_KA_STEM:
        stem = noun[:-2].removesuffix("й")
        return _first((s + e for s in _stems(stem) for e in ("ить", "ать")), "INFN")
    return ""


def _perfective(verb: str) -> str:
    """The perfective of a secondary imperfective ("" when none is found)."""
    for ending, perfective_endings in _IMPERFECTIVE_ENDINGS:
        stem = verb[: -len(ending)]
        if verb.endswith(ending) and len(stem) >= MIN_STEM:
            stems = _stems(stem)
            if ending in ("ивать", "ывать"):
                stems += [s[::-1].replace("а", "о", 1)[::-1] for s in stems if "а" in s]
            found = _first((s + e for s in stems for e in perfective_endings), "INFN", "perf")
            if found:
                return found
    return ""


@lru_cache(maxsize=100_000)
def family(lemma: str) -> str:
    """The head of a Russian lemma's word family (the lemma itself when it heads one)."""
    if lemma in KEEP or len(lemma) < 4:
        return lemma
    if lemma in LISTED:
        return family(LISTED[lemma])
    word = lemma
    if word.endswith(("ся", "сь")) and _is(word[:-2], "INFN"):
        word = word[:-2]
    elif word.endswith("ость") and _is(word, "NOUN"):
        return _first((word[:-4] + e for e in ("ый", "ий", "ой")), "ADJF") or word
    elif _is(word, "NOUN"):
        word = _verb_of_noun(word) or word
    if word != lemma and word in LISTED:
        return family(LISTED[word])
    if word.endswith("ть") and _is(word, "INFN", "impf"):
        word = _perfective(word) or word
    return word


#: Relational adjective endings (звуковой, сетевой, экранный) and the noun endings their stem takes.
_ADJECTIVE_ENDINGS = (("овый", 3), ("овой", 3), ("евый", 3), ("евой", 3), ("ный", 4), ("ной", 4))
_NOUN_TAILS = ("", "а", "я", "ь", "о")


@lru_cache(maxsize=100_000)
def relatives(term: str) -> tuple[str, ...]:
    """The noun of a relational adjective and the adjectives of a noun, as family heads
    (звуковой ↔ звук, сетевой ↔ сеть, экранный ↔ экран, системный ↔ система): searched along
    with a query word, not merged into one term (a "полный" disk is not a "пол")."""
    found: list[str] = []
    for ending, min_stem in _ADJECTIVE_ENDINGS:
        stem = term[: -len(ending)]
        if term.endswith(ending) and len(stem) >= min_stem and _is(term, "ADJF"):
            found += [c for c in (stem + tail for tail in _NOUN_TAILS) if _is(c, "NOUN")]
            break
    if not found and len(term) >= 4 and _is(term, "NOUN"):
        stems = (term, term[:-1]) if term[-1] in "аяьо" else (term,)
        adjectives = (s + e for s in stems for e in ("овый", "овой", "евой", "евый", "ный", "ной"))
        found += [c for c in adjectives if _is(c, "ADJF")]
    return tuple(family(word) for word in dict.fromkeys(found) if word not in KEEP)

"""Polish word families: "usunąć", "usuwać", "usunięcie" and "usuwanie" share one index term.

A help text says "Usuwanie plików", "Zmiana hasła", "Podłączanie drukarki"; a reader asks
"jak usunąć plik", "zmienić hasło", "podłączyć drukarkę". Morfeusz 2 (SGJP) gives each of these
its own lemma and knows no aspect pairs, but it tells a gerund from a noun and an infinitive's
aspect, so a Polish lemma is mapped to the head of its family, both when articles are indexed and
when a query is read:

- a noun that is also a gerund to its verb (podłączenie → podłączyć, usunięcie → usunąć);
- a noun in -acja to its verb in -ować (instalacja → instalować, konfiguracja → konfigurować);
- a secondary imperfective to its perfective (usuwać → usunąć, zmieniać → zmienić,
  podłączać → podłączyć, zapisywać → zapisać, wybierać → wybrać, uruchamiać → uruchomić);
- a borrowed verb's perfective with an empty prefix to the plain verb (zainstalować → instalować,
  skopiować → kopiować, zresetować → resetować);
- a few zero-suffix nouns from a list (zmiana → zmienić, naprawa → naprawić, wybór → wybrać).

Every derived candidate must be a dictionary infinitive of the right aspect, so a rule never
invents a word; a short list keeps apart the nouns whose verb means something else
("urządzenie" is a device, not the gerund of "urządzić" "to arrange").
"""

from __future__ import annotations

from functools import cache, lru_cache

#: Nouns that stay themselves: their gerund reading belongs to a verb that means something else.
_KEPT = """
    urządzenie zdjęcie zadanie wydanie położenie mieszkanie przyjęcie zajęcie pojęcie wyrażenie
    zachowanie opakowanie oprogramowanie znaczenie życzenie wykształcenie aplikacja stacja
    operacja relacja prezentacja organizacja ustawienie
"""
KEEP = frozenset(_KEPT.split())
#: Pairs no suffix rule derives: zero-suffix nouns and their verbs.
LISTED = {
    "zmiana": "zmienić",
    "wymiana": "wymienić",
    "podmiana": "podmienić",
    "naprawa": "naprawić",
    "wybór": "wybrać",
    "wydruk": "wydrukować",
    "wydrukować": "drukować",
    "zapis": "zapisać",
    "odczyt": "odczytać",
    "podgląd": "podglądać",
    "blokada": "blokować",
    "pobór": "pobrać",
    "otwierać": "otworzyć",
    "wysyłać": "wysłać",
    "przesyłać": "przesłać",
}
#: Secondary imperfective endings, with the perfective endings they come from.
_IMPERFECTIVE_ENDINGS = (
    ("owywać", ("ować",)),
    ("ywać", ("ać",)),
    ("iwać", ("ać",)),
    ("dawać", ("dać",)),
    ("uwać", ("unąć",)),
    ("ierać", ("rać",)),
    ("ykać", ("knąć",)),
    ("iać", ("ić", "ć")),
    ("wać", ("ć",)),
    ("ać", ("ić", "yć")),
)
#: A consonant of the imperfective's stem and the perfective's consonants it stands for.
_ALTERNATIONS = (
    ("szcz", ("śc",)),
    ("żdż", ("zd",)),
    ("sz", ("s",)),
    ("ż", ("z", "rz", "dz")),
    ("dz", ("d",)),
    ("cz", ("k", "t")),
    ("c", ("t", "ć")),
)
#: Prefixes that only make a borrowed -ować verb perfective (za-instalować, s-kopiować, z-resetować).
_EMPTY_PREFIXES = ("za", "ze", "z", "s")
MIN_STEM = 2


@cache
def _backend():
    from linker.lemmas import backend_for

    return backend_for("pl")


@lru_cache(maxsize=100_000)
def _tags(word: str) -> tuple[tuple[str, str], ...]:
    return tuple(_backend().analyses(word))


def _is_infinitive(word: str, aspect: str) -> bool:
    """Whether SGJP knows `word` as an infinitive of `aspect` ("perf" or "imperf")."""
    return any(lemma == word and tag.split(":")[:2] == ["inf", aspect] for lemma, tag in _tags(word))


def _is_verb(word: str) -> bool:
    return any(lemma == word and tag.startswith("inf") for lemma, tag in _tags(word))


def _gerund_of(noun: str) -> str:
    """The verb whose gerund (singular nominative) `noun` is ("" when it is none)."""
    for lemma, tag in _tags(noun):
        if tag.startswith("ger:sg:nom"):
            return lemma
    return ""


def _stems(stem: str) -> list[str]:
    """`stem`, its last syllable's "a" as "o"/"ó" (uruchamiać → uruchomić, przywracać →
    przywrócić), and the stems its final consonant alternates with."""
    found = [stem]
    vowel = stem.rfind("a")
    if vowel >= len(stem) - 3 and vowel > 0:
        found += [stem[:vowel] + o + stem[vowel + 1 :] for o in ("o", "ó")]
    for known in list(found):
        for ending, originals in _ALTERNATIONS:
            if known.endswith(ending):
                found += [known[: -len(ending)] + original for original in originals]
                break
    return found


def _perfective(verb: str) -> str:
    """The perfective of a secondary imperfective ("" when none is found)."""
    for ending, perfective_endings in _IMPERFECTIVE_ENDINGS:
        stem = verb[: -len(ending)]
        if verb.endswith(ending) and len(stem) >= MIN_STEM:
            for candidate in (s + e for s in _stems(stem) for e in perfective_endings):
                if candidate != verb and _is_infinitive(candidate, "perf"):
                    return candidate
    return ""


def _unprefixed(verb: str) -> str:
    """The plain imperfective of a borrowed verb made perfective by an empty prefix ("" when none)."""
    if not verb.endswith("ować"):
        return ""
    for prefix in _EMPTY_PREFIXES:
        plain = verb[len(prefix) :]
        if verb.startswith(prefix) and len(plain) >= 7 and _is_infinitive(plain, "imperf"):
            return plain
    return ""


@lru_cache(maxsize=100_000)
def family(lemma: str) -> str:
    """The head of a Polish lemma's word family (the lemma itself when it heads one)."""
    if lemma in KEEP or len(lemma) < 4:
        return lemma
    if lemma in LISTED and _is_verb(LISTED[lemma]):
        return family(LISTED[lemma])
    word = lemma
    if verb := _gerund_of(word):
        word = verb
    elif word.endswith("acja") and _is_infinitive(word[:-4] + "ować", "imperf"):
        word = word[:-4] + "ować"
    if word != lemma and word in LISTED:
        return family(LISTED[word])
    if word.endswith("ć") and _is_infinitive(word, "imperf"):
        word = _perfective(word) or word
    if word.endswith("ować") and _is_infinitive(word, "perf"):
        word = _unprefixed(word) or word
    return word

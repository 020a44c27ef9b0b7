"""Language-aware analysis shared by every search backend.

English is stemmed (the Porter algorithm, from snowballstemmer: no search engine's code, so the
PostgreSQL backend does not depend on Whoosh); Polish, Czech and Russian are lemmatized with the
linker's lemmatizers, so "pralki" finds "pralka". Index terms are folded after that (Polish and
Czech lose their diacritics, Russian "ё" becomes "е"), so a query typed without diacritics finds
the same terms. A Russian, Polish or Czech lemma is mapped to the head of its word family
(`families.py`, `families_pl.py`, `families_cs.py`: "удаление", "удалять" and "удалить" are one
term, so are "usunięcie", "usuwać" and "usunąć", and "připojení", "připojovat" and "připojit").
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from knowledge_base.locales import LOCALES
from knowledge_base.search.stopwords import STOPWORDS

WORD = re.compile(r"[^\W_]+", re.UNICODE)
#: Enough for a request description; the query text itself is cut at MAX_QUERY_CHARS.
MAX_QUERY_TERMS = 40
MAX_QUERY_CHARS = 1000
STEMMED = "en"
#: Every other language of the portal is lemmatized with the linker's lemmatizers.
LEMMATIZED = frozenset(LOCALES) - {STEMMED}
#: Languages whose diacritics are folded away (Russian keeps "й": it is a letter of its own).
FOLDED = frozenset({"pl", "cs"})
#: Languages whose lemmas are mapped to the head of their word family besides Russian.
_FAMILIES = frozenset({"pl", "cs"})
_NOT_DECOMPOSED = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "ß": "ss"})


@cache
def _stemmer():
    """Porter stems; words of one or two letters stay as they are ("as" is not "a")."""
    import snowballstemmer

    porter = snowballstemmer.stemmer("porter")

    def stem(word: str) -> str:
        return word if len(word) <= 2 else porter.stemWord(word)

    return lru_cache(maxsize=100_000)(stem)


@cache
def _lemmatizer(lang: str):
    from linker.lemmas import backend_for

    return backend_for(lang).lemma


@lru_cache(maxsize=100_000)
def _russian_lemma(word: str) -> str:
    """The word's lemma; the word itself when it is one of its readings (pymorphy3's first reading
    of "снимок" is the genitive plural of "снимка": a form that is a dictionary word is read as that word)."""
    backend = _lemmatizer_backend("ru")
    return word if word in backend.readings(word) else backend.lemma(word)


@cache
def _lemmatizer_backend(lang: str):
    from linker.lemmas import backend_for

    return backend_for(lang)


@cache
def _family():
    from knowledge_base.search.families import family

    return family


@cache
def _families():
    """The word family of a lemma per language (Russian, Polish, Czech; see families*.py)."""
    from knowledge_base.search import families_cs, families_pl

    return {"ru": _family(), "pl": families_pl.family, "cs": families_cs.family}


@lru_cache(maxsize=100_000)
def _lemma(word: str, lang: str) -> str:
    """The family head of a Polish or Czech word's lemma, diacritics kept."""
    if lang == "cs":
        from knowledge_base.search.families_cs import lemma

        return _families()["cs"](lemma(word))
    return _families()[lang](_lemmatizer(lang)(word))


@lru_cache(maxsize=100_000)
def fold(word: str, lang: str) -> str:
    """`word` without diacritics (Polish, Czech) or with "ё" as "е" (Russian)."""
    if lang == "ru":
        return word.replace("ё", "е")
    if lang not in FOLDED or word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word.translate(_NOT_DECOMPOSED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise(word: str, lang: str) -> str:
    """The index form of one lower-case word."""
    if lang == STEMMED:
        return _stemmer()(word)
    if lang == "ru":
        return _family()(_russian_lemma(word.replace("ё", "е")))
    if lang in _FAMILIES:
        return fold(_lemma(word, lang), lang)
    if lang in LEMMATIZED:
        return fold(_lemmatizer(lang)(word.replace("ё", "е")), lang)
    return word


@lru_cache(maxsize=100_000)
def readings(word: str, lang: str) -> tuple[str, ...]:
    """Index terms of the word's other dictionary readings ("проводов" is a form of "провод" as
    well as of "проводы"; the index holds the first reading only, wherever the word occurs)."""
    if lang not in LEMMATIZED:
        return ()
    from linker.lemmas import backend_for

    main = normalise(word, lang)
    found = (fold(lemma, lang) for lemma in sorted(backend_for(lang).readings(word.replace("ё", "е"))))
    if lang == "ru":
        found = (_family()(lemma) for lemma in found)
    elif lang in _FAMILIES:
        found = (fold(_families()[lang](lemma), lang) for lemma in sorted(backend_for(lang).readings(word)))
    return tuple(term for term in dict.fromkeys(found) if term != main)


def analyse(text: str, lang: str, *, keep_stopwords: bool = True) -> list[str]:
    """Index terms of a text, in order."""
    stop = STOPWORDS.get(lang, frozenset())
    terms = []
    for match in WORD.finditer(text.lower()):
        word = match.group()
        if not keep_stopwords and (word in stop or fold(word, lang) in stop):
            continue
        terms.append(normalise(word, lang))
    return terms


def is_dictionary_word(word: str, lang: str) -> bool:
    """Whether the language's dictionary knows `word` (Russian only: pymorphy3 tells a word it
    knows from one it guesses; the other lemmatizers do not)."""
    return lang == "ru" and _lemmatizer_backend(lang).is_known(word.replace("ё", "е"))


def query_words(query: str, lang: str) -> list[tuple[str, str]]:
    """(term, word as typed) of each distinct term of a query (stopwords dropped, at most MAX_QUERY_TERMS).

    A Russian word is also dropped when its term is a stopword: function words inflect
    ("какие", "моей", "своего" are "какой", "мой", "свой")."""
    stop = STOPWORDS.get(lang, frozenset())
    seen: dict[str, str] = {}
    for match in WORD.finditer(query[:MAX_QUERY_CHARS].lower()):
        word = match.group()
        if word in stop or fold(word, lang) in stop:
            continue
        term = normalise(word, lang)
        if lang != "ru" or term not in stop:
            seen.setdefault(term, word)
    return list(seen.items())[:MAX_QUERY_TERMS]


def query_terms(query: str, lang: str) -> list[str]:
    """Distinct terms of a user's query, in order (stopwords dropped, at most MAX_QUERY_TERMS)."""
    return [term for term, _ in query_words(query, lang)]

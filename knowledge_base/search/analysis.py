"""Language-aware analysis shared by every search backend.

English is stemmed (the Porter algorithm, from snowballstemmer: no search engine's code, so the
PostgreSQL backend does not depend on Whoosh); Polish, Czech and Russian are lemmatized with the
linker's lemmatizers, so "pralki" finds "pralka".
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from knowledge_base.locales import LOCALES

WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_QUERY_TERMS = 12
_STOPWORDS = {
    "en": "a an and are as at be by for from how i in is it my of on or the to what with you your",
    "pl": "a i w z na do się nie to jak co o że jest czy po od dla mój moja",
    "cs": "a i v ve z na do se to jak co o že je jsou pro od mě můj moje",
    "ru": "и в во на не что как с со к по о от для это я мой моя у",
}
STOPWORDS = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}
STEMMED = "en"
#: Every other language of the portal is lemmatized with the linker's lemmatizers.
LEMMATIZED = frozenset(LOCALES) - {STEMMED}


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


def normalise(word: str, lang: str) -> str:
    """The index form of one lower-case word."""
    if lang == STEMMED:
        return _stemmer()(word)
    if lang in LEMMATIZED:
        return _lemmatizer(lang)(word.replace("ё", "е"))
    return word


def analyse(text: str, lang: str, *, keep_stopwords: bool = True) -> list[str]:
    """Index terms of a text, in order."""
    stop = STOPWORDS.get(lang, frozenset())
    terms = []
    for match in WORD.finditer(text.lower()):
        word = match.group()
        if not keep_stopwords and word in stop:
            continue
        terms.append(normalise(word, lang))
    return terms


def query_terms(query: str, lang: str) -> list[str]:
    """Distinct terms of a user's query (stopwords dropped, at most MAX_QUERY_TERMS)."""
    seen: dict[str, None] = {}
    for term in analyse(query[:1000], lang, keep_stopwords=False):
        seen.setdefault(term, None)
    return list(seen)[:MAX_QUERY_TERMS]

"""What a query searches for: each meaningful word, its typo corrections and related words.

Shared by both backends, so they search for the same terms with the same weights. Every word of
the query is kept (no rarest-terms shortcut): BM25's inverse document frequency already makes
common words count for little, and a long problem description needs all of its words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from knowledge_base.search.analysis import is_dictionary_word, query_words, readings
from knowledge_base.search.diacritics import restorations
from knowledge_base.search.synonyms import related
from knowledge_base.search.typos import corrections

CORRECTION_WEIGHT = 0.7
RELATED_WEIGHT = 0.4
READING_WEIGHT = 0.6
SUBSTITUTE_WEIGHT = 0.8


@dataclass(frozen=True)
class Group:
    """One query word: the index terms that stand for it, each with its weight."""

    word: str
    terms: tuple[tuple[str, float], ...]


def plan(
    query: str,
    lang: str,
    known: Callable[[Iterable[str]], dict[str, int]],
    with_prefix: Callable[[str], dict[str, int]],
) -> list[Group]:
    """The groups of a query (words matching nothing and with no correction are left out).

    `known(words)` gives the document frequency of the indexed ones among `words`;
    `with_prefix(prefix)` a bounded number of indexed terms starting with `prefix`.
    """
    typed = dict(query_words(query, lang))
    words = list(typed)
    frequency = known({*words, *(t for word in words for t in related(word, lang))})
    groups = []
    for word in words:
        terms: dict[str, float] = {}
        if word in frequency:
            terms[word] = 1.0
            other_readings = known(readings(typed[word], lang))
            terms.update((term, READING_WEIGHT) for term in other_readings)
        elif restored := _restored(typed[word], lang, known):
            terms.update((term, 1.0) for term in restored)
        elif not is_dictionary_word(typed[word], lang):
            # a word of the dictionary missing from the articles is no typo ("полёт" is not "поле")
            fixed = corrections(word, lang, known, with_prefix, typed[word])
            terms.update((term, CORRECTION_WEIGHT) for term in fixed)
        extra = [t for main in dict.fromkeys([word, *terms]) for t in related(main, lang)]
        if any(t not in frequency for t in extra):
            frequency.update(known(extra))
        # related words stand in for a word the articles lack: nothing for them to outweigh
        weight = RELATED_WEIGHT if terms else SUBSTITUTE_WEIGHT
        for other in extra:
            if other in frequency:
                terms.setdefault(other, weight)
        if terms:
            groups.append(Group(word, tuple(terms.items())))
    return groups


def _restored(typed: str, lang: str, known: Callable[[Iterable[str]], dict[str, int]]) -> list[str]:
    """The known lemmas of a word typed without diacritics (the two most frequent)."""
    found = known(restorations(typed, lang))
    return sorted(found, key=lambda t: (-found[t], t))[:2]

"""What a query searches for: each meaningful word, its typo corrections and related words.

Shared by both backends, so they search for the same terms with the same weights. Every word of
a query of up to MAX_GROUPS meaningful words is kept: BM25's inverse document frequency already
makes common words count for little, and a problem description needs all of its words. Beyond
that, the rarest MAX_GROUPS words are searched for (see MAX_GROUPS).
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
#: A query searches for its MAX_GROUPS rarest words: on every relevance set of the bench a longer
#: query found the same articles, and the longest descriptions cost 1.5x more time without it.
MAX_GROUPS = 12


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
    return _rarest(groups, frequency, known)


def _rarest(
    groups: list[Group], frequency: dict[str, int], known: Callable[[Iterable[str]], dict[str, int]]
) -> list[Group]:
    """The MAX_GROUPS groups whose rarest term is rarest, in query order (all when fewer)."""
    if len(groups) <= MAX_GROUPS:
        return groups
    missing = {t for g in groups for t, _ in g.terms if t not in frequency}
    if missing:
        frequency.update(known(missing))
    rarity = {g.word: min(frequency.get(t, 0) for t, _ in g.terms) for g in groups}
    kept = set(sorted(rarity, key=lambda word: (rarity[word], word))[:MAX_GROUPS])
    return [g for g in groups if g.word in kept]


def _restored(typed: str, lang: str, known: Callable[[Iterable[str]], dict[str, int]]) -> list[str]:
    """The known lemmas of a word typed without diacritics (the two most frequent)."""
    found = known(restorations(typed, lang))
    return sorted(found, key=lambda t: (-found[t], t))[:2]

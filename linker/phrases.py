"""Lemma-sequence lookup for the sentence-level cue lists (negation, complaint)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

from linker.lexicon import lexicon
from linker.nlp import lemmatize_phrase


class LemmaPhrases:
    """Finds phrases, given as lemma sequences, in a sequence of token lemmas."""

    def __init__(self, phrases: Iterable[tuple[tuple[str, ...], str]]) -> None:
        self._phrases: dict[tuple[str, ...], str] = {}
        for lemmas, label in phrases:
            if lemmas:
                self._phrases.setdefault(lemmas, label)
        self._longest = max((len(p) for p in self._phrases), default=0)
        self.first_lemmas = frozenset(p[0] for p in self._phrases)  # lemmas that start a phrase

    def find(self, lemmas: Sequence[str]) -> list[tuple[int, int, str]]:
        """All (start, end, label) occurrences, as token indices."""
        first = self.first_lemmas
        if first.isdisjoint(lemmas):  # the usual case, decided in C
            return []
        found = []
        for i in range(len(lemmas)):
            if lemmas[i] not in first:
                continue
            for n in range(1, min(self._longest, len(lemmas) - i) + 1):
                label = self._phrases.get(tuple(lemmas[i : i + n]))
                if label is not None:
                    found.append((i, i + n, label))
        return found

    def __contains__(self, lemma: str) -> bool:
        return (lemma,) in self._phrases


@cache
def cue_phrases(lang: str) -> dict[str, LemmaPhrases]:
    """The cue lists of a language, lemmatized once per process."""
    result = {}
    for kind, terms in lexicon(lang).cues.items():
        result[kind] = LemmaPhrases((lemmatize_phrase(lang, term), term) for term in terms)
    return result


def context_phrases(lang: str, words: Iterable[str]) -> LemmaPhrases:
    """An offer's context words as lemma phrases."""
    return LemmaPhrases((lemmatize_phrase(lang, word), word) for word in words)

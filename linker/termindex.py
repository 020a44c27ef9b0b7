"""One Aho-Corasick pass finds every inflected form of every term of a language.

Terms are lemmatized with the language's backend and expanded to all their surface
forms when the index is built; scanning is then a single C-speed pass over the
folded text plus a Unicode word-boundary check per hit.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

import ahocorasick

from linker.lemmas import LemmaBackend

MAX_FORMS_PER_PHRASE = 5000


@dataclass(frozen=True)
class Term:
    """What a surface form stands for: an offer phrase, context word, lexicon entry."""

    kind: str  # offer | context | sensitive | idiom | frame | obscenity
    key: str  # offer id, or category
    label: str  # the term as written in the data
    tier: str = ""


class Hit(NamedTuple):
    """One occurrence of a term (a tuple: hits are many and must be cheap)."""

    start: int
    end: int
    term: Term


def _words(phrase: str) -> list[str]:
    return phrase.lower().replace("’", "'").split()


class TermIndex:
    """Collects terms, expands them to forms, and finds them in folded text."""

    def __init__(self, backend: LemmaBackend) -> None:
        self.backend = backend
        self._pending: list[tuple[str, Term, bool]] = []
        self._entries: dict[str, list[tuple[Term, bool, bool]]] = defaultdict(list)
        self._automaton = ahocorasick.Automaton()
        self.form_count = 0

    def add(self, phrase: str, term: Term, *, base_forms_only: bool = False) -> None:
        """Register a phrase; '*' at an end makes it a literal substring on that side.

        With `base_forms_only`, a word is inflected only if it is itself a lemma: a blocklist's
        "throating" must not expand to every form of "throat".
        """
        if phrase.strip("*").strip():
            self._pending.append((phrase, term, base_forms_only))

    def build(self) -> TermIndex:
        """Expand every pending phrase to its forms and compile the automaton."""
        lemmatized = []
        wanted: set[str] = set()
        for phrase, term, base_forms_only in self._pending:
            if phrase.startswith("*") or phrase.endswith("*"):
                literal = phrase.strip("*").lower()
                self._add_form(literal, term, not phrase.startswith("*"), not phrase.endswith("*"))
                continue
            words = _words(phrase)
            lemmas = [self.backend.lemma(w) for w in words]
            # None marks a word kept literally (derived blocklist forms are not inflected)
            keys = [
                lemma if not base_forms_only or lemma == word else None
                for word, lemma in zip(words, lemmas, strict=True)
            ]
            wanted.update(key for key in keys if key is not None)
            lemmatized.append((words, keys, term))
        forms = self.backend.forms(wanted) if wanted else {}
        for words, keys, term in lemmatized:
            options = [
                sorted(forms.get(key, set()) | {word, key}) if key is not None else [word]
                for word, key in zip(words, keys, strict=True)
            ]
            for combo in itertools.islice(itertools.product(*options), MAX_FORMS_PER_PHRASE):
                self._add_form(" ".join(combo), term, True, True)
        self._pending.clear()
        for key in self._entries:
            self._automaton.add_word(key, key)
        self.form_count = len(self._entries)
        if self.form_count:
            self._automaton.make_automaton()
        return self

    def _add_form(self, form: str, term: Term, left_boundary: bool, right_boundary: bool) -> None:
        self._entries[form].append((term, left_boundary, right_boundary))

    def find_inside(self, word: str, offset: int, kinds: frozenset[str], min_length: int = 4) -> list[Hit]:
        """Terms of `kinds` anywhere inside one word (hashtags such as #nswfires), boundaries ignored."""
        if not self.form_count:
            return []
        hits = []
        for end_index, key in self._automaton.iter(word):
            if len(key) < min_length or " " in key:
                continue
            for term, _left, _right in self._entries[key]:
                if term.kind in kinds:
                    start = offset + end_index - len(key) + 1
                    hits.append(Hit(start, start + len(key), term))
        return hits

    def find(self, folded: str, start: int = 0, end: int | None = None) -> list[Hit]:
        """Every term occurrence in `folded[start:end]` (output of text.fold) at word boundaries."""
        if not self.form_count:
            return []
        hits = []
        length = len(folded)
        entries = self._entries
        for end_index, key in self._automaton.iter(folded, start, length if end is None else end):
            start = end_index - len(key) + 1
            left_ok = start == 0 or not folded[start - 1].isalnum()
            right_ok = end_index + 1 == length or not folded[end_index + 1].isalnum()
            for term, need_left, need_right in entries[key]:
                if (left_ok or not need_left) and (right_ok or not need_right):
                    hits.append(Hit(start, end_index + 1, term))
        return hits

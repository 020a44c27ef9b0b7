"""One Aho-Corasick pass finds every inflected form of every term of a language.

Terms are lemmatized with the language's backend and expanded to all their surface
forms when the index is built; scanning is then a single C-speed pass over the
folded text plus a Unicode word-boundary check per hit.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    term: Term


def _words(phrase: str) -> list[str]:
    return phrase.lower().replace("’", "'").split()


class TermIndex:
    """Collects terms, expands them to forms, and finds them in folded text."""

    def __init__(self, backend: LemmaBackend) -> None:
        self.backend = backend
        self._pending: list[tuple[str, Term]] = []
        self._entries: dict[str, list[tuple[Term, bool, bool]]] = defaultdict(list)
        self._automaton = ahocorasick.Automaton()
        self.form_count = 0

    def add(self, phrase: str, term: Term) -> None:
        """Register a phrase; '*' at an end makes it a literal substring on that side."""
        if phrase.strip("*").strip():
            self._pending.append((phrase, term))

    def build(self) -> TermIndex:
        """Expand every pending phrase to its forms and compile the automaton."""
        lemmatized = []
        wanted: set[str] = set()
        for phrase, term in self._pending:
            if phrase.startswith("*") or phrase.endswith("*"):
                self._add_form(
                    phrase.strip("*").lower(),
                    term,
                    not phrase.startswith("*"),
                    not phrase.endswith("*"),
                )
                continue
            words = _words(phrase)
            lemmas = [self.backend.lemma(w) for w in words]
            wanted.update(lemmas)
            lemmatized.append((words, lemmas, term))
        forms = self.backend.forms(wanted) if wanted else {}
        for words, lemmas, term in lemmatized:
            options = [
                sorted(forms.get(lemma, set()) | {word, lemma})
                for word, lemma in zip(words, lemmas, strict=True)
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

    def find(self, folded: str) -> list[Hit]:
        """Every term occurrence in `folded` (output of text.fold) at word boundaries."""
        if not self.form_count:
            return []
        hits = []
        length = len(folded)
        entries = self._entries
        for end_index, key in self._automaton.iter(folded):
            start = end_index - len(key) + 1
            left_ok = start == 0 or not folded[start - 1].isalnum()
            right_ok = end_index + 1 == length or not folded[end_index + 1].isalnum()
            for term, need_left, need_right in entries[key]:
                if (left_ok or not need_left) and (right_ok or not need_right):
                    hits.append(Hit(start, end_index + 1, term))
        return hits

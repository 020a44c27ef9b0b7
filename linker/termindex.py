"""One Aho-Corasick pass finds every inflected form of every term of a language.

Terms are lemmatized with the language's backend and expanded to all their surface
forms when the index is built; scanning is then a single C-speed pass over the
folded text plus a Unicode word-boundary check per hit.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple, Protocol

import ahocorasick

from linker.lemmas import LemmaBackend

MAX_FORMS_PER_PHRASE = 5000
MATCH_SLICE = 1 << 16  # characters searched per automaton iteration (see `_matches`)
SPAN_FLUSH_FACTOR = 8  # `spans` sorts what it has found every this many longest-key lengths
SEPARATOR = re.compile(r"[^\w]|_")
# The scan-time form of SEPARATOR: spaces are left alone (most separators are spaces, and a
# regex substitution per space costs more than the whole naive matcher); "_" is replaced apart.
_NON_SPACE_SEPARATOR = re.compile(r"[^\w ]")
_ASCII_SEPARATORS = bytes(code if chr(code).isalnum() else ord(" ") for code in range(128)) + bytes(
    range(128, 256)
)


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


def phrase_words(phrase: str) -> list[str]:
    """The words of a phrase as the index reads them (lower-case, typographic apostrophes plain)."""
    return phrase.lower().replace("’", "'").split()


class ShippedExpansions(Protocol):
    """Precomputed expansions of phrases (see `lexkeys`)."""

    def cores(self, phrase: str, base_forms_only: bool) -> list[str] | None: ...


def expansion_keys(phrase: str, lemma_of: Callable[[str], str], base_forms_only: bool) -> list[str | None]:
    """The key (lemma) whose forms each word of `phrase` expands to; None keeps a word literal."""
    words = phrase_words(phrase)
    lemmas = [lemma_of(w) for w in words]
    # None marks a word kept literally (derived blocklist forms are not inflected)
    return [
        lemma if not base_forms_only or lemma == word else None
        for word, lemma in zip(words, lemmas, strict=True)
    ]


def expanded_cores(phrase: str, keys: list[str | None], forms: Mapping[str, set[str]]) -> Iterator[str]:
    """The phrase's surface forms as index keys without their boundary spaces, in the order the
    index adds them (a form that normalises to nothing is left out)."""
    options = [
        sorted(forms.get(key, set()) | {word, key}) if key is not None else [word]
        for word, key in zip(phrase_words(phrase), keys, strict=True)
    ]
    for combo in itertools.islice(itertools.product(*options), MAX_FORMS_PER_PHRASE):
        core = _core(" ".join(combo))
        if core:
            yield core


def _core(form: str) -> str:
    # an alphanumeric form holds no separator (\w is alphanumeric or "_"): most forms skip the regex
    return form if form.isalnum() else SEPARATOR.sub(" ", form).strip()


class TermIndex:
    """Collects terms, expands them to forms, and finds them in folded text."""

    def __init__(self, backend: LemmaBackend, shipped: ShippedExpansions | None = None) -> None:
        self.backend = backend
        self._shipped = shipped  # precomputed expansions (the lexicon's), used where still valid
        self._pending: list[tuple[str, Term, bool]] = []
        self._entries: dict[str, list[Term]] = defaultdict(list)
        self._bare: dict[str, list[Term]] = defaultdict(list)
        self._bare_automaton = None
        self._automaton = ahocorasick.Automaton()
        self.form_count = 0
        self._longest = 0

    def add(self, phrase: str, term: Term, *, base_forms_only: bool = False) -> None:
        """Register a phrase; '*' at an end makes it a literal substring on that side.

        With `base_forms_only`, a word is inflected only if it is itself a lemma: a blocklist's
        "throating" must not expand to every form of "throat".
        """
        if phrase.strip("*").strip():
            self._pending.append((phrase, term, base_forms_only))

    def build(self) -> TermIndex:
        """Expand every pending phrase to its forms and compile the automaton."""
        lemmatized: list[tuple[str, list[str | None] | None, list[str] | None, Term]] = []
        wanted: set[str] = set()
        shipped = self._shipped
        for phrase, term, base_forms_only in self._pending:
            if phrase.startswith("*") or phrase.endswith("*"):
                literal = phrase.strip("*").lower()
                self._add_form(literal, term, not phrase.startswith("*"), not phrase.endswith("*"))
                continue
            cores = shipped.cores(phrase, base_forms_only) if shipped is not None else None
            if cores is not None:
                lemmatized.append((phrase, None, cores, term))
                continue
            keys = expansion_keys(phrase, self.backend.lemma, base_forms_only)
            wanted.update(key for key in keys if key is not None)
            lemmatized.append((phrase, keys, None, term))
        forms = self.backend.forms(wanted) if wanted else {}
        for phrase, keys, cores, term in lemmatized:
            for core in cores if cores is not None else expanded_cores(phrase, keys, forms):
                self._add_core(core, term)
        self._pending.clear()
        for key, terms in self._entries.items():
            # the value holds what `find` needs, so a hit costs no lookups: how far back the
            # match starts and how far before the automaton's end index it ends (folded offsets)
            lead, trail = key[0] == " ", key[-1] == " "
            self._automaton.add_word(key, (len(key) - lead, trail, tuple(terms)))
            self._longest = max(self._longest, len(key))
        self.form_count = len(self._entries)
        if self.form_count:
            self._automaton.make_automaton()
        return self

    def _add_form(self, form: str, term: Term, left_boundary: bool, right_boundary: bool) -> None:
        core = _core(form)
        if not core:
            return
        key = (" " if left_boundary else "") + core + (" " if right_boundary else "")
        self._entries[key].append(term)
        if " " not in core and len(core) >= 4:
            self._bare[core].append(term)

    def _add_core(self, core: str, term: Term) -> None:
        """`_add_form` of a normalised, non-empty form with boundaries on both sides."""
        self._entries[" " + core + " "].append(term)
        if " " not in core and len(core) >= 4:
            self._bare[core].append(term)

    def find_inside(self, word: str, offset: int, kinds: frozenset[str]) -> list[Hit]:
        """Terms of `kinds` anywhere inside one word (hashtags such as #nswfires), boundaries ignored."""
        if self._bare_automaton is None:
            self._bare_automaton = ahocorasick.Automaton()
            for core in self._bare:
                self._bare_automaton.add_word(core, core)
            if self._bare:
                self._bare_automaton.make_automaton()
        if not self._bare:
            return []
        hits = []
        for end_index, core in self._bare_automaton.iter(word):
            for term in self._bare[core]:
                if term.kind in kinds:
                    start = offset + end_index - len(core) + 1
                    hits.append(Hit(start, start + len(core), term))
        return hits

    @staticmethod
    def prepare(folded: str) -> str:
        """The text as the automaton reads it: separators as spaces, padded (offsets shift by one)."""
        if folded.isascii():  # a byte table maps ASCII text ten times faster than a regex
            return " " + folded.encode("ascii").translate(_ASCII_SEPARATORS).decode("ascii") + " "
        prepared = _NON_SPACE_SEPARATOR.sub(" ", folded)
        if "_" in prepared:
            prepared = prepared.replace("_", " ")
        return " " + prepared + " "

    def find(self, prepared: str, start: int = 0, end: int | None = None) -> list[Hit]:
        """Every term occurrence between `start` and `end` (offsets of the folded text) at word
        boundaries; `prepared` comes from `prepare`. Keys carry their boundary spaces, so the
        automaton never reports a match inside another word."""
        new = tuple.__new__  # Hit(...) goes through a Python-level __new__
        return [
            new(Hit, (first, last, term))
            for _end_index, first, last, terms in self._matches(prepared, start, end)
            for term in terms
        ]

    def spans(
        self,
        prepared: str,
        start: int = 0,
        end: int | None = None,
        within: list[tuple[int, int]] | None = None,
    ) -> Iterator[Hit]:
        """The occurrences of `find` in document order, of overlapping ones the longest, produced
        lazily: a caller that stops early (the link cap) leaves the rest of the text unsearched.
        With `within` (sorted, disjoint (start, end) ranges), a match that is not inside one of
        them is left out before overlaps are resolved."""
        starts, ends = ([a for a, _b in within], [b for _a, b in within]) if within is not None else ((), ())
        pending: list[tuple[int, int, Term]] = []  # plain tuples: a Hit is made only when yielded
        append, new, last_end, flushed = pending.append, tuple.__new__, -1, start
        longest, horizon = self._longest, SPAN_FLUSH_FACTOR * self._longest
        for end_index, first, last, terms in self._matches(prepared, start, end):
            if within is not None:  # inline: a call per match cost more than the match
                index = bisect.bisect_right(starts, first) - 1
                if index < 0 or last > ends[index]:
                    continue
            for term in terms:
                append((first, last, term))
            if end_index - flushed > horizon:
                # no later match can start before end_index - longest: what starts earlier is final
                flushed = end_index
                pending[:] = _longest_first(pending)
                cut = bisect.bisect_left(pending, end_index - longest, key=itemgetter(0))
                for hit in pending[:cut]:
                    if hit[0] >= last_end:
                        last_end = hit[1]
                        yield new(Hit, hit)
                del pending[:cut]
        for hit in _longest_first(pending):
            if hit[0] >= last_end:
                last_end = hit[1]
                yield new(Hit, hit)

    def paragraph_spans(self, prepared: str, paragraphs: list[tuple[int, int]]) -> Iterator[tuple[int, Hit]]:
        """(paragraph index, hit) of `spans` over the whole text in one pass, leaving out matches
        that are not inside one paragraph (`paragraphs`: sorted, disjoint (start, end) ranges)."""
        starts = [start for start, _end in paragraphs]
        for hit in self.spans(prepared, within=paragraphs):
            yield bisect.bisect_right(starts, hit.start) - 1, hit

    def _matches(
        self, prepared: str, start: int, end: int | None
    ) -> Iterator[tuple[int, int, int, tuple[Term, ...]]]:
        """(automaton end index, start, end, terms) of each key found; start and end are offsets
        of the folded text: +1 for a leading boundary space, -1 for the padding of `prepare`."""
        if not self.form_count:
            return
        stop = len(prepared) if end is None else min(len(prepared), end + 2)
        # The automaton copies its whole input string into a buffer of its own whenever an
        # iteration starts, so a large text is searched in slices: each reaches back far enough
        # for a key that ends in it, and keeps only the keys that end in it.
        reach = self._longest - 1
        for first in range(start, stop, MATCH_SLICE):
            last = min(stop, first + MATCH_SLICE)
            base = max(start, first - reach)
            for end_index, (back, trail, terms) in self._automaton.iter(prepared[base:last]):
                end_index += base
                if end_index >= first:
                    yield end_index, end_index - back, end_index - trail, terms


def _longest_first(hits: list[tuple[int, int, Term]]) -> list[tuple[int, int, Term]]:
    """Hits by start, and at one start the longest first (two stable sorts with C-level keys)."""
    ordered = sorted(hits, key=itemgetter(1), reverse=True)
    ordered.sort(key=itemgetter(0))
    return ordered

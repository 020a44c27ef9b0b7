"""Typo tolerance against an index's own vocabulary, shared by both backends.

An unknown query term is replaced by the known terms one edit away (a deletion, transposition,
substitution or insertion over the language's alphabet); each candidate is a dictionary lookup
(Whoosh's term dictionary, PostgreSQL's vocabulary primary key), so no typo scans the index.
Failing that, known terms sharing its first letters are used (an inflected word typed without
diacritics, such as "hasla" for "hasło", whose lemma the lemmatizer cannot find).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from knowledge_base.search.analysis import normalise

_ALPHABETS = {
    "en": "abcdefghijklmnopqrstuvwxyz",
    "pl": "abcdefghijklmnopqrstuvwxyz",
    "cs": "abcdefghijklmnopqrstuvwxyz",
    "ru": "абвгдежзийклмнопрстуфхцчшщъыьэюя",
}
MIN_LENGTH = 4
MAX_CANDIDATES = 1
PREFIX_KEEP = 5


def edits1(word: str, lang: str) -> set[str]:
    """Every string one edit away from `word` (Norvig's four edits over the language's letters)."""
    letters = _ALPHABETS.get(lang) or "".join(sorted(set(word)))
    if not word.isascii() and lang != "ru":
        letters = "".join(sorted(set(letters) | set(word)))
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in letters}
    inserts = {a + c + b for a, b in splits for c in letters}
    return (deletes | transposes | replaces | inserts) - {word}


def corrections(
    term: str,
    lang: str,
    known: Callable[[Iterable[str]], dict[str, int]],
    with_prefix: Callable[[str], dict[str, int]],
    typed: str = "",
) -> list[str]:
    """Known terms to search for instead of the unknown `term`, most frequent first.

    `typed` is the word as typed; its analysed edits are tried first ("wireles" is "wirel"
    once stemmed, one edit from "wire" but two from "wireless"). `known(words)` gives the
    document frequency of those of `words` that are indexed; `with_prefix(prefix)` the indexed
    terms (a bounded number) starting with `prefix`.
    """
    if len(term) < MIN_LENGTH or not term.isalpha():
        return []
    found = {}
    if typed and typed != term and len(typed) >= MIN_LENGTH:
        found = known({normalise(edit, lang) for edit in edits1(typed, lang)})
    if not found:
        edits = edits1(term, lang)
        found = known(edits)
        if not found and typed == term:
            # an unknown word is its own lemma; its edits' index terms may differ from the edits
            # ("яркасть" → "яркость", whose term is its family's head "яркий")
            found = known({normalise(edit, lang) for edit in edits} - edits)
    if not found and len(term) > PREFIX_KEEP:
        found = with_prefix(term[: max(PREFIX_KEEP, len(term) - 4)])
    return sorted(found, key=lambda t: (-found[t], t))[:MAX_CANDIDATES]

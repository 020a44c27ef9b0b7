"""Inflected forms of the lexicon's lemmas, computed once by a script and shipped as data.

Expanding a lemma into its forms means generating candidates and lemmatizing each of them
back, which made up most of the linker's start-up. The lexicon does not change at run time,
so `scripts/build_linker_forms.py` writes the forms of every lexicon lemma to
`linker/data/forms/<lang>.tsv` (one `lemma<TAB>form form …` line each, sorted, so the file
is deterministic). The file names the lemmatizer versions it was computed with; if the
installed ones differ, the file is ignored and forms are computed as before.

Offer words are not in the file: they are expanded at run time (see `lemmas.OfferWords`).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import metadata, resources
from typing import Protocol

#: Which distribution's dictionary each language's lemmatizer reads (see `lemmas.py`).
DICTIONARIES = {
    "en": ("simplemma",),
    "cs": ("simplemma",),
    "pl": ("morfeusz2",),
    "ru": ("pymorphy3", "pymorphy3-dicts-ru"),
}
VERSION_PREFIX = "# versions: "


class FormsOf(Protocol):
    """What the form cache needs of a lemma backend."""

    lang: str

    def lemma(self, word: str) -> str: ...

    def forms(self, lemmas: Iterable[str]) -> dict[str, set[str]]: ...


def versions(lang: str) -> str:
    """The installed versions of the language's dictionaries, as the file header records them."""
    found = []
    for name in DICTIONARIES.get(lang, ()):
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=?")
    return " ".join(found)


def lexicon_phrases(lang: str) -> list[tuple[str, bool]]:
    """(phrase, base_forms_only) of every lexicon phrase, in the order `LanguageModel` adds them
    to its lexicon index (obscenity words are inflected only if they are lemmas)."""
    from linker.lexicon import lexicon

    lex = lexicon(lang)
    phrases = [(item.term, False) for item in lex.sensitive]
    phrases += [(phrase, False) for phrase in (*lex.idioms, *lex.frames)]
    phrases += [(word, True) for word in lex.obscenity]
    return phrases


def lexicon_lemmas(backend: FormsOf) -> set[str]:
    """The lemmas whose forms the lexicon index asks for (as `TermIndex.build` computes them
    with the plain backend)."""
    wanted: set[str] = set()
    for phrase, base_forms_only in lexicon_phrases(backend.lang):
        if phrase.startswith("*") or phrase.endswith("*"):
            continue
        for word in phrase.lower().replace("’", "'").split():
            lemma = backend.lemma(word)
            if not base_forms_only or lemma == word:
                wanted.add(lemma)
    return wanted


def render(backend: FormsOf) -> str:
    """The file's text for one language: the forms the plain backend gives each lexicon lemma."""
    forms = backend.forms(lexicon_lemmas(backend))
    lines = [f"{VERSION_PREFIX}{versions(backend.lang)}"]
    lines += [f"{lemma}\t{' '.join(sorted(forms[lemma]))}" for lemma in sorted(forms)]
    return "\n".join(lines) + "\n"


@cache
def shipped_forms(lang: str) -> dict[str, frozenset[str]]:
    """Lemma -> forms from the shipped file; empty if it is missing or was computed with
    other dictionary versions than the installed ones."""
    path = resources.files("linker.data").joinpath("forms", f"{lang}.tsv")
    if not path.is_file():
        return {}
    header, _, body = path.read_text("utf-8").partition("\n")
    if header != f"{VERSION_PREFIX}{versions(lang)}":
        return {}
    table = {}
    for line in body.splitlines():
        lemma, _, forms = line.partition("\t")
        table[lemma] = frozenset(forms.split(" "))
    return table

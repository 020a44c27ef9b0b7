"""The lexicon index's keys, expanded once by a script and shipped as data.

Every lexicon phrase expands to the combinations of its words' forms (`termindex.expanded_cores`);
with the forms shipped (`formcache`), making those combinations and normalising each still cost
about a tenth of the linker's start-up. `scripts/build_linker_forms.py` writes them too:
`linker/data/forms/<lang>.keys.gz`, one line per phrase, `phrase<TAB>0|1<TAB>lemma lemma …<TAB>key
<TAB>key …` (the flag is `base_forms_only`; keys without their boundary spaces, in the order the
index adds them). The file names the dictionary versions and the digest of the forms file it was
computed from; if either differs, it is ignored and the keys are computed as before.

A Linker's adopted offer words can change a phrase's expansion (a word read as another lemma, a
form taken by an offer word): such phrases are expanded at build time, the others read the file.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Protocol

from linker.formcache import VERSION_PREFIX, lexicon_phrases, shipped_forms, versions
from linker.termindex import expanded_cores, expansion_keys, phrase_words

FORMS_PREFIX = "# forms: "

Table = dict[tuple[str, bool], tuple[tuple[str, ...], list[str]]]


class Overlay(Protocol):
    """What the keys need of a lemma overlay (`lemmas.OfferWords`)."""

    lang: str
    writes: list[tuple[str, str]]

    def lemma(self, word: str) -> str: ...

    def forms(self, lemmas: set[str]) -> dict[str, set[str]]: ...

    @property
    def overrides(self) -> Mapping[str, str]: ...


def forms_digest(lang: str) -> str:
    """A digest of the shipped forms file the keys were expanded from."""
    path = resources.files("linker.data").joinpath("forms", f"{lang}.tsv")
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else "-"


def render(words: Overlay) -> bytes:
    """The file for one language (gzip, deterministic): every lexicon phrase whose keys are all
    lexicon lemmas with shipped forms, expanded with `words` (an overlay without adopted words)."""
    shipped = shipped_forms(words.lang)
    table: dict[tuple[str, bool], tuple[list[str | None], list[str]]] = {}
    wanted: set[str] = set()
    for phrase, base_forms_only in lexicon_phrases(words.lang):
        if phrase.startswith("*") or phrase.endswith("*") or (phrase, base_forms_only) in table:
            continue
        keys = expansion_keys(phrase, words.lemma, base_forms_only)
        if any(key is not None and key not in shipped for key in keys):
            continue  # computed at build time
        lemmas = [words.lemma(word) for word in phrase_words(phrase)]
        if "\t" in phrase or any(not lemma or lemma.split() != [lemma] for lemma in lemmas):
            continue  # not representable in the file's columns
        table[phrase, base_forms_only] = (keys, lemmas)
        wanted.update(key for key in keys if key is not None)
    forms = words.forms(wanted)
    lines = [f"{VERSION_PREFIX}{versions(words.lang)}", f"{FORMS_PREFIX}{forms_digest(words.lang)}"]
    for (phrase, base_forms_only), (keys, lemmas) in sorted(table.items()):
        cores = list(expanded_cores(phrase, keys, forms))
        lines.append("\t".join([phrase, str(int(base_forms_only)), " ".join(lemmas), *cores]))
    return gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0)


@cache
def shipped_keys(lang: str) -> Table:
    """(phrase, base_forms_only) -> (the words' plain lemmas, keys) from the shipped file; empty
    if it is missing or was computed with other dictionaries or forms than the installed ones."""
    path = resources.files("linker.data").joinpath("forms", f"{lang}.keys.gz")
    if not path.is_file() or not shipped_forms(lang):
        return {}
    lines = gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()
    if lines[:2] != [f"{VERSION_PREFIX}{versions(lang)}", f"{FORMS_PREFIX}{forms_digest(lang)}"]:
        return {}
    table: Table = {}
    for line in lines[2:]:
        phrase, flag, lemmas, *cores = line.split("\t")
        table[phrase, flag == "1"] = (tuple(lemmas.split(" ")), cores)
    return table


@cache
def _form_owners(lang: str) -> dict[str, tuple[str, ...]]:
    """Form -> the lexicon lemmas whose shipped forms hold it."""
    owners: dict[str, list[str]] = {}
    for lemma, forms in shipped_forms(lang).items():
        for form in forms:
            owners.setdefault(form, []).append(lemma)
    return {form: tuple(lemmas) for form, lemmas in owners.items()}


class ShippedKeys:
    """The shipped keys of a language, for an index whose overlay may have adopted offer words."""

    def __init__(self, words: Overlay) -> None:
        self._words = words
        self._table = shipped_keys(words.lang)
        self._changed: set[str] = set()
        self._seen_writes = 0

    def cores(self, phrase: str, base_forms_only: bool) -> list[str] | None:
        """The phrase's keys (without boundary spaces), or None when they must be computed: not
        in the file, or the overlay reads one of its words as another lemma or changed the forms
        of one of its lemmas."""
        entry = self._table.get((phrase, base_forms_only))
        if entry is None:
            return None
        lemmas, cores = entry
        overrides = self._words.overrides
        if not overrides:
            return cores
        changed = self._changed_lemmas()
        for word, lemma in zip(phrase_words(phrase), lemmas, strict=True):
            if overrides.get(word, lemma) != lemma:
                return None
            if (not base_forms_only or lemma == word) and lemma in changed:
                return None
        return cores

    def _changed_lemmas(self) -> set[str]:
        """Lemmas whose forms the overlay changed (a superset): those that adopted a form, and
        those whose shipped forms hold a form the overlay reads as its own lemma."""
        writes = self._words.writes
        if self._seen_writes != len(writes):
            owners = _form_owners(self._words.lang)
            changed = set()
            for form, lemma in self._words.overrides.items():
                changed.add(lemma)
                changed.update(owners.get(form, ()))
            self._changed, self._seen_writes = changed, len(writes)
        return self._changed

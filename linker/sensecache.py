"""The word-sense profiles, lemmatised once by a script and shipped as data.

Building the profiles lemmatises every context of `data/senses/<lang>.tsv` and every word of
`data/senses/domains/<lang>.tsv`: about half a second per language at start-up. They change only
when those files or a lemmatizer change, so `scripts/build_sense_profiles.py` writes the result to
`data/senses/built/<lang>.json`, with the lemmatizer versions and a digest of the source files.
A file whose versions or digest differ from what is installed is ignored (the profiles are then
built from the sources, as before): a stale file can cost time, never a wrong decision.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from importlib import resources
from typing import Any

from linker.formcache import versions

Profiles = dict[str, dict[str, Counter[str]]]
Listed = dict[str, set[str]]


def source_texts(lang: str) -> list[str]:
    """The texts of the language's sense contexts and domain vocabulary (empty where missing)."""
    senses = resources.files("linker.data").joinpath("senses")
    texts = []
    for path in (senses.joinpath(f"{lang}.tsv"), senses.joinpath("domains", f"{lang}.tsv")):
        texts.append(path.read_text("utf-8") if path.is_file() else "")
    return texts


def digest(lang: str) -> str:
    """What the shipped file must have been built from: the sources and the lemmatizer versions."""
    hasher = hashlib.sha256(versions(lang).encode())
    for text in source_texts(lang):
        hasher.update(b"\0" + text.encode())
    return hasher.hexdigest()


def render(lang: str, corpus: Profiles, listed: Listed) -> str:
    """The file's text: deterministic JSON (sorted keys and word lists)."""
    data = {
        "digest": digest(lang),
        "corpus": {
            word: {sense: dict(counts) for sense, counts in senses.items()} for word, senses in corpus.items()
        },
        "listed": {label: sorted(words) for label, words in listed.items()},
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def shipped(lang: str) -> tuple[Profiles, Listed] | None:
    """The shipped profiles and domain words of `lang`, or None if missing or stale."""
    path = resources.files("linker.data").joinpath("senses", "built", f"{lang}.json")
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    if data.get("digest") != digest(lang):
        return None
    corpus = {
        word: {sense: Counter(counts) for sense, counts in senses.items()}
        for word, senses in data["corpus"].items()
    }
    return corpus, {label: set(words) for label, words in data["listed"].items()}

"""The linker's word lists per language, read from linker/data/<lang>/ (data, not code)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class SensitiveTerm:
    category: str
    tier: str  # strong | framable | weak
    term: str


@dataclass(frozen=True)
class Lexicon:
    """Everything the checks need for one language."""

    lang: str
    sensitive: tuple[SensitiveTerm, ...]
    idioms: tuple[str, ...]
    frames: tuple[str, ...]
    obscenity: tuple[str, ...]
    cues: dict[str, tuple[str, ...]]


def _lines(lang: str, name: str) -> list[str]:
    path = resources.files("linker.data").joinpath(lang, name)
    if not path.is_file():
        return []
    return [
        line.strip()
        for line in path.read_text("utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


@cache
def lexicon(lang: str) -> Lexicon:
    """Load the lexicon of a language once per process."""
    sensitive = []
    for line in _lines(lang, "sensitive.tsv"):
        category, tier, term = line.split("\t")
        sensitive.append(SensitiveTerm(category, tier, term))
    cues: dict[str, list[str]] = {}
    for line in _lines(lang, "cues.tsv"):
        kind, term = line.split("\t")
        cues.setdefault(kind, []).append(term)
    return Lexicon(
        lang=lang,
        sensitive=tuple(sensitive),
        idioms=tuple(_lines(lang, "idioms.txt")),
        frames=tuple(_lines(lang, "frames.txt")),
        obscenity=tuple(_lines(lang, "obscenity.txt")),
        cues={kind: tuple(terms) for kind, terms in cues.items()},
    )

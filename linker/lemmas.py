"""Lemmatizer backends, one per language, that also generate every inflected form.

The same backend lemmatizes text (inside the spaCy pipeline) and expands offer and
lexicon phrases into surface forms for the Aho-Corasick prefilter, so the two agree.

| language | backend | why |
|---|---|---|
| en, cs | simplemma dictionaries | right on every tested form; spaCy's Czech table is poor |
| pl | Morfeusz 2 (SGJP) | full analysis and generation, 65 MB, loads in 0.1 s (simplemma pl: 1 GB, 3 s) |
| ru | pymorphy3 | the analyser spaCy itself uses for Russian |
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Protocol

SUPPORTED_LANGUAGES = ("en", "pl", "cs", "ru")


class LemmaBackend(Protocol):
    """Lemmatizes one lower-case word and lists the forms of lemmas."""

    lang: str

    def lemma(self, word: str) -> str: ...

    def forms(self, lemmas: Iterable[str]) -> dict[str, set[str]]: ...


def _is_word(word: str) -> bool:
    return any(ch.isalpha() for ch in word)


# Endings tried on a lemma's stem when the dictionary lists too few forms; a candidate is
# kept only if the lemmatizer maps it back to the lemma ("generate and verify").
GUESSED_ENDINGS = {
    "cs": (
        "",
        "a",
        "e",
        "ě",
        "i",
        "í",
        "o",
        "u",
        "y",
        "ý",
        "á",
        "é",
        "ou",
        "em",
        "em",
        "ím",
        "ám",
        "ům",
        "ech",
        "ách",
        "ích",
        "ých",
        "ami",
        "ími",
        "ými",
        "ého",
        "ému",
        "ém",
        "ové",
        "ovi",
        "ů",
    ),
}


class SimplemmaBackend:
    """simplemma's dictionary for one language, read forwards and in reverse."""

    def __init__(self, lang: str) -> None:
        import simplemma
        from simplemma.strategies.dictionaries import DefaultDictionaryFactory

        self.lang = lang
        self._simplemma = simplemma
        self._dictionary = DefaultDictionaryFactory().get_dictionary(lang)
        self.lemma = lru_cache(maxsize=200_000)(self._lemma)

    def _lemma(self, word: str) -> str:
        if not _is_word(word):
            return word
        return self._simplemma.lemmatize(word, lang=self.lang).lower()

    def forms(self, lemmas: Iterable[str]) -> dict[str, set[str]]:
        wanted = {lemma.lower() for lemma in lemmas}
        found: dict[str, set[str]] = defaultdict(set)
        for lemma in wanted:
            found[lemma].add(lemma)
        for form, lemma in self._dictionary.items():
            lemma = lemma.decode() if isinstance(lemma, bytes) else lemma
            lowered = lemma.lower()
            if lowered in wanted:
                found[lowered].add(form.lower())
        for lemma in wanted:
            found[lemma].update(self._guessed_forms(lemma))
        # keep only forms the forward lemmatizer agrees with (the dictionary has case variants)
        return {
            lemma: {f for f in forms if self.lemma(f) == lemma} | {lemma} for lemma, forms in found.items()
        }

    def _guessed_forms(self, lemma: str) -> set[str]:
        endings = GUESSED_ENDINGS.get(self.lang, ())
        if not endings or not lemma.isalpha() or len(lemma) < 4:
            return set()
        stems = {lemma[: len(lemma) - cut] for cut in range(0, 3)}
        return {stem + ending for stem in stems for ending in endings}


class MorfeuszBackend:
    """Morfeusz 2 with the SGJP dictionary: analysis and generation for Polish."""

    _PREFERRED = ("subst", "adj", "ger", "ppas", "pact", "fin", "inf", "praet", "impt", "adv")

    def __init__(self) -> None:
        import morfeusz2

        self.lang = "pl"
        self._morfeusz = morfeusz2.Morfeusz(generate=True, analyse=True, expand_tags=False)
        self.lemma = lru_cache(maxsize=200_000)(self._lemma)

    def _rank(self, tag: str) -> int:
        head = tag.split(":", 1)[0]
        return self._PREFERRED.index(head) if head in self._PREFERRED else len(self._PREFERRED)

    def _lemma(self, word: str) -> str:
        if not _is_word(word):
            return word
        candidates = [
            (self._rank(tag), lemma.split(":", 1)[0].lower())
            for start, end, (_orth, lemma, tag, *_rest) in self._morfeusz.analyse(word)
            if start == 0 and end == 1 and tag != "ign"
        ]
        return min(candidates)[1] if candidates else word

    def forms(self, lemmas: Iterable[str]) -> dict[str, set[str]]:
        result: dict[str, set[str]] = {}
        for lemma in {lemma.lower() for lemma in lemmas}:
            forms = {lemma}
            try:
                generated = self._morfeusz.generate(lemma)
            except RuntimeError:
                generated = []
            forms.update(orth.lower() for orth, *_rest in generated)
            result[lemma] = {f for f in forms if self.lemma(f) == lemma} | {lemma}
        return result


class PymorphyBackend:
    """pymorphy3 with the OpenCorpora dictionary for Russian."""

    def __init__(self) -> None:
        import pymorphy3

        self.lang = "ru"
        self._morph = pymorphy3.MorphAnalyzer()
        self.lemma = lru_cache(maxsize=200_000)(self._lemma)

    def _lemma(self, word: str) -> str:
        if not _is_word(word):
            return word
        return self._morph.parse(word.replace("ё", "е"))[0].normal_form.replace("ё", "е")

    def forms(self, lemmas: Iterable[str]) -> dict[str, set[str]]:
        result: dict[str, set[str]] = {}
        for lemma in {lemma.lower() for lemma in lemmas}:
            forms = {lemma}
            for parse in self._morph.parse(lemma):
                if parse.normal_form.replace("ё", "е") == lemma:
                    forms.update(f.word.replace("ё", "е") for f in parse.lexeme)
            result[lemma] = {f for f in forms if self.lemma(f) == lemma} | {lemma}
        return result


@cache
def backend_for(lang: str) -> LemmaBackend:
    """The backend of a language, loaded once per process (read-only after loading)."""
    if lang in ("en", "cs"):
        return SimplemmaBackend(lang)
    if lang == "pl":
        return MorfeuszBackend()
    if lang == "ru":
        return PymorphyBackend()
    raise ValueError(f"no lemmatizer for language {lang!r}")

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
from collections.abc import Callable, Iterable, Mapping
from functools import cache, lru_cache
from types import MappingProxyType
from typing import Protocol

from linker.formcache import shipped_forms

SUPPORTED_LANGUAGES = ("en", "pl", "cs", "ru")
LemmaOf = Callable[[str], str]


class LemmaBackend(Protocol):
    """Lemmatizes one lower-case word and lists the forms of lemmas."""

    lang: str

    def lemma(self, word: str) -> str: ...

    def forms(self, lemmas: Iterable[str], lemma: LemmaOf | None = None) -> dict[str, set[str]]: ...

    def readings(self, word: str) -> set[str]: ...

    def is_known(self, word: str) -> bool: ...

    def is_lemma(self, word: str) -> bool: ...

    def lexeme(self, lemma: str) -> set[str]: ...

    def guesses(self, word: str) -> set[str]: ...


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


# Endings tried on an offer word when its inflected forms are unknown to the dictionary
# ("smartphones", "routerem", "chůvičkou"): such a form is read as the offer word's lemma.
ADOPTED_ENDINGS = {"en": ("s", "es", "'s")}


VOWELS = frozenset("aeiouyáéíóúůýě")


class _Backend:
    """What every dictionary backend shares. Backends are loaded once per process and never
    change after loading; offer words are adopted by `OfferWords`, one overlay per Linker."""

    lang: str

    def _cached(self, word: str) -> str:  # replaced by an lru_cache in __init__
        raise NotImplementedError

    def lemma(self, word: str) -> str:
        return self._cached(word)

    def readings(self, word: str) -> set[str]:
        """Every lemma the dictionary gives the word (one for simplemma)."""
        return {self._cached(word)}

    def is_lemma(self, word: str) -> bool:
        return self._cached(word) == word

    def is_known(self, word: str) -> bool:
        return self._cached(word) != word

    def forms(self, lemmas: Iterable[str], lemma: LemmaOf | None = None) -> dict[str, set[str]]:
        """The surface forms of each lemma that `lemma` (default: this backend) maps back to it."""
        return self._forms(lemmas, lemma or self.lemma)

    def _forms(self, lemmas: Iterable[str], lemma_of: LemmaOf) -> dict[str, set[str]]:
        raise NotImplementedError

    def lexeme(self, lemma: str) -> set[str]:
        """The forms the dictionary generates for `lemma`, unchecked (none for simplemma)."""
        return set()

    def guesses(self, word: str) -> set[str]:
        """Forms of an offer word that a dictionary may not know (smartphones, routerem)."""
        endings = ADOPTED_ENDINGS.get(self.lang)
        if endings:
            extra = {word[:-1] + "ies"} if word.endswith("y") else set()
            return {word + ending for ending in endings} | extra
        endings = GUESSED_ENDINGS.get(self.lang, ())
        if not endings or not word.isalpha() or len(word) < 4:
            return set()
        if word[-1] in VOWELS:  # the vowel is the ending: chůvička -> chůvičkou, chůvičky
            return {word[:-1] + ending for ending in endings if ending}
        return {word + ending for ending in endings}  # router -> routerem


class OfferWords:
    """A language's lemmas with one Linker's offer words adopted: a phrase word that is itself
    a lemma keeps it (Polish "lina" is rope, not a form of "lin"), and its forms that the
    dictionary does not know are read as its lemma. Each Linker has its own overlay over the
    shared, read-only dictionary backend, so one Linker's offers never change another's
    reading of a text; `version` changes with each adoption that adds a word. `writes` lists
    every (word, lemma) written, in order, so that a reader can replay the overlay as it stood
    at any point (`OverlayReplay`)."""

    def __init__(self, base: LemmaBackend) -> None:
        self.base = base
        self.lang = base.lang
        self._overrides: dict[str, str] = {}
        self.version = 0
        self.writes: list[tuple[str, str]] = []

    def lemma(self, word: str) -> str:
        adopted = self._overrides.get(word)
        return adopted if adopted is not None else self.base.lemma(word)

    @property
    def overrides(self) -> Mapping[str, str]:
        """Adopted word -> the lemma this overlay reads it as (read-only)."""
        return MappingProxyType(self._overrides)

    def readings(self, word: str) -> set[str]:
        return self.base.readings(word)

    def is_lemma(self, word: str) -> bool:
        return self.base.is_lemma(word)

    def is_known(self, word: str) -> bool:
        return self.base.is_known(word)

    def forms(self, lemmas: Iterable[str], lemma: LemmaOf | None = None) -> dict[str, set[str]]:
        """Forms of each lemma that this overlay reads as it; the lexicon's come from the
        shipped file (`formcache`), with the forms adopted by another word taken out."""
        wanted = {item.lower() for item in lemmas}
        shipped = shipped_forms(self.lang) if lemma is None else {}
        computed = wanted.difference(shipped)
        found = self.base.forms(computed, lemma or self.lemma) if computed else {}
        overrides = self._overrides
        for key in wanted.intersection(shipped):
            found[key] = {form for form in shipped[key] if overrides.get(form, key) == key} | {key}
        for form, adopted in self._overrides.items():
            if adopted in found:
                found[adopted].add(form)
        return found

    def adopt(self, phrase: str) -> None:
        """Adopt the words of an offer phrase (see the class)."""
        before = len(self._overrides)
        for word in phrase.lower().replace("’", "'").split():
            if not _is_word(word):
                continue
            key = self.base.lemma(word)
            if key != word and self.base.is_lemma(word):
                key = word
                self._write(word, word)
                # its forms that are read as another word too ("банку": банк or банка) go to
                # the offer word, unless they are that other word's base form ("lin")
                for form in self.base.lexeme(word):
                    if (
                        form not in self._overrides
                        and word in self.base.readings(form)
                        and not self._other_lemma(form, word)
                    ):
                        self._write(form, word)
            for guess in self.base.guesses(word):
                if guess != word and guess not in self._overrides and not self.base.is_known(guess):
                    self._write(guess, key)
        if len(self._overrides) != before:
            self.version += 1

    def _write(self, word: str, lemma: str) -> None:
        self._overrides[word] = lemma
        self.writes.append((word, lemma))

    def _other_lemma(self, form: str, lemma: str) -> bool:
        """True if `form` is the base form of a word other than `lemma`."""
        return form != lemma and form in self.base.readings(form)


class OverlayReplay:
    """An `OfferWords` overlay as it stood after its first `writes` writes, moved forwards with
    `advance`: lemmatizing with it at that point gives what the overlay itself gave then."""

    def __init__(self, words: OfferWords) -> None:
        self.lang = words.lang
        self.version = 0
        self._words = words
        self._overrides: dict[str, str] = {}
        self._applied = 0

    def advance(self, writes: int, version: int) -> None:
        """The overlay after its first `writes` writes, when its version was `version`."""
        for word, lemma in self._words.writes[self._applied : writes]:
            self._overrides[word] = lemma
        self._applied = max(self._applied, writes)
        self.version = version

    def lemma(self, word: str) -> str:
        adopted = self._overrides.get(word)
        return adopted if adopted is not None else self._words.base.lemma(word)


class SimplemmaBackend(_Backend):
    """simplemma's dictionary for one language, read forwards and in reverse."""

    def __init__(self, lang: str) -> None:
        from linker.simpledict import lemmatizer, shared_dictionaries

        self.lang = lang
        self._dictionary = shared_dictionaries().get_dictionary(lang)
        self._lemmatizer = lemmatizer(shared_dictionaries())
        self._cached = lru_cache(maxsize=200_000)(self._lemma)
        self._lemma_text: dict[bytes | str, str] | None = None
        self._lemmas: frozenset[str] = frozenset()

    def _items(self):
        """The dictionary's (form, lemma) pairs as stored: simplemma's str wrapper decodes every
        key and value, its underlying bytes dictionary does not."""
        raw = getattr(self._dictionary, "_dict", None)
        return raw.items() if isinstance(raw, dict) else self._dictionary.items()

    def _lemma_texts(self) -> dict[bytes | str, str]:
        """Each distinct lemma of the dictionary, as stored -> its lower-case text (built on first
        use; a set of the values is C-speed, a reverse index of every form was not)."""
        if self._lemma_text is None:
            raw = getattr(self._dictionary, "_dict", None)
            values = set(raw.values()) if isinstance(raw, dict) else {lemma for _f, lemma in self._items()}
            self._lemma_text = {
                value: (value.decode() if isinstance(value, bytes) else value).lower() for value in values
            }
            self._lemmas = frozenset(self._lemma_text.values())
        return self._lemma_text

    def _reverse(self, wanted: set[str]) -> dict[str, list[bytes | str]]:
        """Lower-case lemma -> the dictionary's forms of it (raw keys), for the `wanted` lemmas:
        one pass over the dictionary that keeps the pairs whose lemma is wanted."""
        targets = {value: text for value, text in self._lemma_texts().items() if text in wanted}
        if not targets:
            return {}
        by_lemma: dict[str, list[bytes | str]] = {}
        for form, lemma in [item for item in self._items() if item[1] in targets]:
            by_lemma.setdefault(targets[lemma], []).append(form)
        return by_lemma

    def is_lemma(self, word: str) -> bool:
        self._lemma_texts()
        return word in self._lemmas

    def is_known(self, word: str) -> bool:
        return word in self._dictionary or self.is_lemma(word)

    def _lemma(self, word: str) -> str:
        if not _is_word(word):
            return word
        return self._lemmatizer.lemmatize(word, self.lang).lower()

    def _forms(self, lemmas: Iterable[str], lemma_of: LemmaOf) -> dict[str, set[str]]:
        wanted = {lemma.lower() for lemma in lemmas}
        found: dict[str, set[str]] = defaultdict(set)
        for lemma in wanted:
            found[lemma].add(lemma)
        reverse = self._reverse(wanted)
        for lemma in wanted:
            for form in reverse.get(lemma, ()):
                found[lemma].add((form.decode() if isinstance(form, bytes) else form).lower())
        for lemma in wanted:
            found[lemma].update(self._guessed_forms(lemma))
        # keep only forms the forward lemmatizer agrees with (the dictionary has case variants)
        return {lemma: {f for f in forms if lemma_of(f) == lemma} | {lemma} for lemma, forms in found.items()}

    def _guessed_forms(self, lemma: str) -> set[str]:
        endings = GUESSED_ENDINGS.get(self.lang, ())
        if not endings or not lemma.isalpha() or len(lemma) < 4:
            return set()
        stems = {lemma[: len(lemma) - cut] for cut in range(0, 3)}
        return {stem + ending for stem in stems for ending in endings}


class MorfeuszBackend(_Backend):
    """Morfeusz 2 with the SGJP dictionary: analysis and generation for Polish."""

    _PREFERRED = ("subst", "adj", "ger", "ppas", "pact", "fin", "inf", "praet", "impt", "adv")

    def __init__(self) -> None:
        import morfeusz2

        self.lang = "pl"
        self._morfeusz = morfeusz2.Morfeusz(generate=True, analyse=True, expand_tags=False)
        self._cached = lru_cache(maxsize=200_000)(self._lemma)

    def _rank(self, tag: str) -> int:
        head = tag.split(":", 1)[0]
        return self._PREFERRED.index(head) if head in self._PREFERRED else len(self._PREFERRED)

    def readings(self, word: str) -> set[str]:
        return {
            lemma.split(":", 1)[0].lower()
            for start, end, (_orth, lemma, tag, *_rest) in self._morfeusz.analyse(word)
            if start == 0 and end == 1 and tag != "ign"
        } or {word}

    def is_lemma(self, word: str) -> bool:
        return word in self.readings(word) and self.is_known(word)

    def analyses(self, word: str) -> list[tuple[str, str]]:
        """(lemma, tag) of each dictionary reading of the whole word ("podłączenie" is a noun and
        the gerund of "podłączyć"; tags as SGJP writes them: "ger:sg:nom.acc:n:perf:aff")."""
        return [
            (lemma.split(":", 1)[0].lower(), tag)
            for start, end, (_orth, lemma, tag, *_rest) in self._morfeusz.analyse(word)
            if start == 0 and end == 1 and tag != "ign"
        ]

    def is_known(self, word: str) -> bool:
        return any(tag != "ign" for _s, _e, (_orth, _lemma, tag, *_r) in self._morfeusz.analyse(word))

    def lexeme(self, lemma: str) -> set[str]:
        try:
            return {orth.lower() for orth, *_rest in self._morfeusz.generate(lemma)}
        except RuntimeError:
            return set()

    def _lemma(self, word: str) -> str:
        if not _is_word(word):
            return word
        candidates = [
            (self._rank(tag), lemma.split(":", 1)[0].lower())
            for start, end, (_orth, lemma, tag, *_rest) in self._morfeusz.analyse(word)
            if start == 0 and end == 1 and tag != "ign"
        ]
        return min(candidates)[1] if candidates else word

    def _forms(self, lemmas: Iterable[str], lemma_of: LemmaOf) -> dict[str, set[str]]:
        result: dict[str, set[str]] = {}
        for lemma in {lemma.lower() for lemma in lemmas}:
            forms = {lemma}
            try:
                generated = self._morfeusz.generate(lemma)
            except RuntimeError:
                generated = []
            forms.update(orth.lower() for orth, *_rest in generated)
            result[lemma] = {f for f in forms if lemma_of(f) == lemma} | {lemma}
        return result


class PymorphyBackend(_Backend):
    """pymorphy3 with the OpenCorpora dictionary for Russian."""

    def __init__(self) -> None:
        import pymorphy3

        self.lang = "ru"
        self._morph = pymorphy3.MorphAnalyzer()
        self._cached = lru_cache(maxsize=200_000)(self._lemma)

    @property
    def morph(self):
        """The pymorphy3 analyser itself (read-only use: parts of speech, aspect)."""
        return self._morph

    def readings(self, word: str) -> set[str]:
        return {p.normal_form.replace("ё", "е") for p in self._morph.parse(word.replace("ё", "е"))}

    def is_lemma(self, word: str) -> bool:
        return self._morph.word_is_known(word) and word in self.readings(word)

    def is_known(self, word: str) -> bool:
        return self._morph.word_is_known(word)

    def lexeme(self, lemma: str) -> set[str]:
        return {
            form.word.replace("ё", "е")
            for parse in self._morph.parse(lemma)
            if parse.normal_form.replace("ё", "е") == lemma
            for form in parse.lexeme
        }

    def _lemma(self, word: str) -> str:
        if not _is_word(word):
            return word
        word = word.replace("ё", "е")
        # pymorphy3 ranks the analyses by P(tag | word) (a lookup per analysis in its pure-Python
        # DAWG) before we take the first one's normal form; most words have one normal form in
        # all their analyses, and then the ranking cannot change it.
        forms = {normal_form for _word, _tag, normal_form, *_rest in self._unranked(word)}
        if len(forms) == 1:
            return forms.pop().replace("ё", "е")
        return self._morph.parse(word)[0].normal_form.replace("ё", "е")

    def _unranked(self, word: str) -> list[tuple]:
        """The analyses `MorphAnalyzer.parse` ranks, as its loop over its units finds them."""
        units = getattr(self._morph, "_units", None)
        if units is None:  # another pymorphy3: its own parse only
            return []
        found: list[tuple] = []
        seen: set = set()
        lower = word.lower()
        for analyzer, is_terminal in units:
            found.extend(analyzer.parse(word, lower, seen))
            if is_terminal and found:
                break
        return found

    def _forms(self, lemmas: Iterable[str], lemma_of: LemmaOf) -> dict[str, set[str]]:
        result: dict[str, set[str]] = {}
        for lemma in {lemma.lower() for lemma in lemmas}:
            forms = {lemma}
            for parse in self._morph.parse(lemma):
                if parse.normal_form.replace("ё", "е") == lemma:
                    forms.update(f.word.replace("ё", "е") for f in parse.lexeme)
            result[lemma] = {f for f in forms if lemma_of(f) == lemma} | {lemma}
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

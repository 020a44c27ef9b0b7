"""Czech word families: "připojit", "připojovat" and "připojení" share one index term.

simplemma's Czech dictionary maps a form to one lemma and knows no derivations; it even reads
"změnit" as "měnit" and "měnit" as "změnit", and "připojení" as the adjective "připojený". A
Czech lemma is mapped to the head of its family, both when articles are indexed and when a query
is read:

- of two lemmas the dictionary maps onto each other (změnit ⇄ měnit, smazat ⇄ mazat), the shorter;
- a verbal noun, or the passive participle the dictionary reads it as, to its verb
  (připojení/připojený → připojit, odstranění → odstranit, smazání → smazat, vypnutí → vypnout);
- a secondary imperfective in -ovat to its perfective (připojovat → připojit,
  odstraňovat → odstranit, přihlašovat → přihlásit);
- a noun in -ace to its verb in -ovat (instalace → instalovat, aktualizace → aktualizovat);
- a few zero-suffix nouns from a list (změna → změnit, oprava → opravit, tisk → tisknout).

Every derived candidate must be a lemma of the dictionary, so a rule never invents a word; a
short list keeps apart the words whose verb means something else ("aplikace" is an app).
"""

from __future__ import annotations

from functools import cache, lru_cache

#: Words that stay themselves: their look-alike verb means something else.
_KEPT = """
    aplikace stanice operace organizace prezentace relace pozice nastavení rozhraní zařízení
    vydání umístění znamení
"""
KEEP = frozenset(_KEPT.split())
#: Pairs no suffix rule derives: zero-suffix nouns and their verbs.
LISTED = {
    "změna": "změnit",
    "výměna": "vyměnit",
    "oprava": "opravit",
    "úprava": "upravit",
    "obnova": "obnovit",
    "tisk": "tisknout",
    "výběr": "vybrat",
    "zápis": "zapsat",
    "spouštět": "spustit",
    "zapínat": "zapnout",
    "vypínat": "vypnout",
}
#: Verbal noun / participle endings, with the infinitive endings they come from.
_NOUN_ENDINGS = (
    ("ení", ("it", "et", "ět")),
    ("ění", ("it", "ět", "et")),
    ("ený", ("it", "et", "ět")),
    ("ěný", ("it", "ět", "et")),
    ("ání", ("at",)),
    ("aný", ("at",)),
    ("nutí", ("nout",)),
    ("nutý", ("nout",)),
    ("tí", ("t",)),
    ("tý", ("t",)),
)
#: A consonant of the derived word's stem and the verb's consonants it stands for.
_ALTERNATIONS = (
    ("šť", ("st",)),
    ("št", ("st",)),
    ("š", ("s", "ch")),
    ("ž", ("z", "h")),
    ("č", ("k", "c")),
    ("ř", ("r",)),
    ("ň", ("n",)),
    ("ť", ("t",)),
    ("ď", ("d",)),
    ("z", ("d",)),
    ("c", ("t",)),
)
_LONG = str.maketrans("áíéůú", "aieuu")
MIN_STEM = 3


@cache
def _backend():
    from linker.lemmas import backend_for

    return backend_for("cs")


def _is_lemma(word: str) -> bool:
    return _backend().is_lemma(word)


def _stems(stem: str) -> list[str]:
    """`stem`, with its final consonant alternated and its last long vowel shortened or lengthened
    (přihlaš → přihlás, odstraň → odstran)."""
    found = [stem]
    for ending, originals in _ALTERNATIONS:
        if stem.endswith(ending):
            found += [stem[: -len(ending)] + original for original in originals]
            break
    for known in list(found):
        vowel = max(known.rfind(v) for v in "aeiu")
        if vowel > 0:
            found.append(
                known[:vowel] + {"a": "á", "e": "é", "i": "í", "u": "ou"}[known[vowel]] + known[vowel + 1 :]
            )
        shortened = known.translate(_LONG)
        if shortened != known:
            found.append(shortened)
    return found


def _first(candidates) -> str:
    return next((c for c in dict.fromkeys(candidates) if _is_lemma(c)), "")


def _verb_of_noun(noun: str) -> str:
    for ending, verb_endings in _NOUN_ENDINGS:
        stem = noun[: -len(ending)]
        if noun.endswith(ending) and len(stem) >= MIN_STEM:
            return _first(s + e for s in _stems(stem) for e in verb_endings)
    return ""


def _perfective(verb: str) -> str:
    """The perfective of a secondary imperfective in -ovat ("" when none is found)."""
    stem = verb[:-4]
    if not verb.endswith("ovat") or len(stem) < MIN_STEM:
        return ""
    return _first(s + e for s in _stems(stem) for e in ("it", "et", "ět", "at"))


@lru_cache(maxsize=100_000)
def family(lemma: str) -> str:
    """The head of a Czech lemma's word family (the lemma itself when it heads one)."""
    if lemma in KEEP or len(lemma) < 4:
        return lemma
    if lemma in LISTED:
        return family(LISTED[lemma])
    word = lemma
    other = _backend().lemma(word)
    if other != word and len(other) < len(word) and _backend().lemma(other) == word:
        word = other
    if word.endswith(("í", "ý")):
        word = _verb_of_noun(word) or word
    elif word.endswith("ace") and _is_lemma(word[:-3] + "ovat"):
        word = word[:-3] + "ovat"
    if word != lemma and word in LISTED:
        return family(LISTED[word])
    if word.endswith("ovat"):
        word = _perfective(word) or _unprefixed(word) or word
    return word


#: Prefixes that only make a borrowed -ovat verb perfective (na-instalovat, z-kopírovat).
_EMPTY_PREFIXES = ("na", "z", "s")


def _unprefixed(verb: str) -> str:
    """The plain imperfective of a borrowed verb made perfective by an empty prefix ("" when none)."""
    for prefix in _EMPTY_PREFIXES:
        plain = verb[len(prefix) :]
        if verb.startswith(prefix) and len(plain) >= 7 and _is_lemma(plain):
            return plain
    return ""


def lemma(word: str) -> str:
    """The word's lemma; an infinitive the dictionary lists as a lemma is read as itself
    (simplemma reads "instalovat" as "reinstalovat" and "změnit" as "měnit")."""
    if word.endswith("t") and _is_lemma(word):
        return word
    return _backend().lemma(word)

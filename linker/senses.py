"""Word sense per offer: which meaning of an ambiguous phrase ("bank", "mouse", "tablet") a text uses.

For every ambiguous word, `linker/data/senses/<lang>.tsv` holds contexts per sense (a contrast set).
An offer's own sense is the one its words (title, description, phrases, required context) resemble;
the offer's words join that sense's profile. A candidate's context (its paragraph around it, the
article's title and headings) is scored against each profile with a smoothed naive Bayes model; the
offer's sense must not lose to another sense by more than `MARGIN` (natural log-odds).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from spacy.util import get_lang_class

from linker import sensecache
from linker.lemmas import LemmaBackend, backend_for
from linker.offers import Offer

WORD = re.compile(r"[^\W\d_]{3,}")
MARGIN = 1.0  # another sense must be e (≈2.7) times as likely as the offer's before it blocks
SMOOTHING = 0.5
OFFER_WEIGHT = 2  # an offer's own words count like two corpus contexts
#: how much the contexts of the same sense label of the language's other ambiguous words count (the
#: "animal" contexts of "bat" and "jaguar" teach the animal sense of "mouse" what animals do)
DOMAIN_WEIGHT = 1.0
#: how much one word of a domain's vocabulary list (linker/data/senses/domains/<lang>.tsv) counts
DOMAIN_LIST_WEIGHT = 1.0
#: a context word joins a label's pool only if this share of its occurrences is in that label
DOMAIN_SPECIFICITY = 0.5
MIN_CONTEXT_WORDS = 1  # below this many profile words in the context there is no decision
SENSE_LANGUAGES = ("en", "pl", "cs", "ru")


@dataclass(frozen=True)
class SenseDecision:
    """The outcome of one sense comparison."""

    offer_sense: str
    best_sense: str
    log_odds: float  # best other sense against the offer's sense (positive: the other wins)
    words: tuple[str, ...]  # the context words that weighed most toward the winning sense

    @property
    def other_sense(self) -> bool:
        return self.best_sense != self.offer_sense and self.log_odds >= MARGIN


def lemmas_of(text: str, backend: LemmaBackend) -> list[str]:
    """The lemmas of the words in `text` (lower-cased; digits and one- or two-letter words left out)."""
    return [backend.lemma(word) for word in WORD.findall(text.lower())]


@cache
def stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop words of the language ("and", "under", "который"): they tell no sense apart."""
    return frozenset(get_lang_class(lang).Defaults.stop_words)


@cache
def shipped_profiles(lang: str) -> tuple[dict[str, dict[str, Counter[str]]], dict[str, set[str]]] | None:
    """The shipped build of the language's sense data, read once (None when missing or stale)."""
    return sensecache.shipped(lang)


@cache
def sense_corpus(lang: str) -> dict[str, dict[str, Counter[str]]]:
    """word lemma -> sense -> lemma counts of that sense's contexts (the word itself left out):
    the shipped build (`linker/sensecache.py`) when it is current, else built from the sources."""
    built = shipped_profiles(lang)
    return built[0] if built is not None else build_sense_corpus(sense_rows(lang), lang)


def sense_rows(lang: str) -> list[tuple[str, str, str]]:
    """The (word, sense, context) rows of `linker/data/senses/<lang>.tsv` (none if there is no file)."""
    try:
        source = resources.files("linker.data").joinpath("senses", f"{lang}.tsv").read_text("utf-8")
    except FileNotFoundError:
        return []
    rows = []
    for line in source.splitlines():
        if line.strip() and not line.startswith("#"):
            word, sense, sentence = line.split("\t", 2)
            rows.append((word, sense, sentence))
    return rows


def build_sense_corpus(rows: Iterable[tuple[str, str, str]], lang: str) -> dict[str, dict[str, Counter[str]]]:
    """The sense profiles of `rows`: lemma counts per word and sense, words common to many of the
    ambiguous words' contexts and stop words left out."""
    backend = backend_for(lang)
    corpus: dict[str, dict[str, Counter[str]]] = {}
    for word, sense, sentence in rows:
        key = backend.lemma(word.lower())
        counts = corpus.setdefault(key, {}).setdefault(sense, Counter())
        counts.update(set(lemmas_of(sentence, backend)) - {key})
    common = _function_words(corpus) | stop_words(lang)
    for senses in corpus.values():
        for counts in senses.values():
            for lemma in common & counts.keys():
                del counts[lemma]
    return corpus


def _function_words(corpus: Mapping[str, Mapping[str, Counter[str]]]) -> set[str]:
    """Lemmas found in the contexts of at least half of the ambiguous words ("the", "with", "and"):
    they say nothing about any one sense."""
    spread: Counter[str] = Counter()
    for senses in corpus.values():
        spread.update(set().union(*senses.values()))
    threshold = max(3, len(corpus) / 2)
    return {lemma for lemma, words in spread.items() if words >= threshold}


def domain_profiles(
    corpus: Mapping[str, Mapping[str, Counter[str]]], specificity: float = DOMAIN_SPECIFICITY
) -> dict[str, Counter[str]]:
    """sense label -> lemma counts of that label's contexts over every ambiguous word, keeping only
    the lemmas of which at least `specificity` of all occurrences are in that label's contexts
    ("lose" and "sofa" turn up beside any sense and would teach the pool nothing but noise)."""
    domains: dict[str, Counter[str]] = {}
    overall: Counter[str] = Counter()
    for senses in corpus.values():
        for sense, counts in senses.items():
            domains.setdefault(sense, Counter()).update(counts)
            overall.update(counts)
    return {
        label: Counter({lemma: n for lemma, n in counts.items() if n >= specificity * overall[lemma]})
        for label, counts in domains.items()
    }


def pooled_profiles(
    senses: Mapping[str, Counter[str]],
    word: str,
    domains: Mapping[str, Counter[str]],
    listed: Mapping[str, set[str]],
    weight: float = DOMAIN_WEIGHT,
    list_weight: float = DOMAIN_LIST_WEIGHT,
) -> dict[str, Counter[str]]:
    """The word's own sense profiles, each joined by its label's contexts of the other words and by
    its label's vocabulary list (`listed`, each word counting like `list_weight` contexts).

    The pool of contexts is scaled to `weight` times the mass of the sense's own contexts, so every
    sense gains in proportion: a label that many words share ("computer") does not outweigh a rarer one.
    """
    profiles = {}
    for sense, own in senses.items():
        rest = Counter(
            {
                lemma: count - own.get(lemma, 0)
                for lemma, count in domains.get(sense, {}).items()
                if lemma != word and count > own.get(lemma, 0)
            }
        )
        scale = weight * sum(own.values()) / max(sum(rest.values()), 1)
        pooled = Counter({lemma: count * scale for lemma, count in rest.items()})
        pooled.update(own)
        pooled.update({lemma: list_weight for lemma in listed.get(sense, ()) if lemma != word})
        profiles[sense] = pooled
    return profiles


@cache
def sense_domains(lang: str) -> dict[str, Counter[str]]:
    """The language's sense labels with the lemma counts of all their contexts (see `domain_profiles`)."""
    return domain_profiles(sense_corpus(lang))


@cache
def domain_words(lang: str) -> dict[str, set[str]]:
    """domain label -> lemmas that signal it, from `linker/data/senses/domains/<lang>.tsv`
    (the shipped build when it is current)."""
    built = shipped_profiles(lang)
    return built[1] if built is not None else build_domain_words(lang)


def build_domain_words(lang: str) -> dict[str, set[str]]:
    """`domain_words` read and lemmatised from the source file."""
    try:
        source = (
            resources.files("linker.data").joinpath("senses", "domains", f"{lang}.tsv").read_text("utf-8")
        )
    except FileNotFoundError:
        return {}
    backend = backend_for(lang)
    words: dict[str, set[str]] = {}
    for line in source.splitlines():
        if line.strip() and not line.startswith("#"):
            domain, word = line.split("\t")[:2]
            words.setdefault(domain, set()).add(backend.lemma(word.strip().lower()))
    return words


class SenseModel:
    """The sense profiles of one offer's ambiguous words in one language."""

    def __init__(self, word: str, profiles: Mapping[str, Counter[str]], offer_sense: str) -> None:
        self.word, self.offer_sense = word, offer_sense
        self.profiles = profiles
        self.vocabulary = set().union(*profiles.values())
        self.totals = {sense: sum(c.values()) for sense, c in profiles.items()}

    def _log_p(self, sense: str, lemma: str) -> float:
        size = len(self.vocabulary)
        return math.log((self.profiles[sense][lemma] + SMOOTHING) / (self.totals[sense] + SMOOTHING * size))

    def decide(self, context: Iterable[str]) -> SenseDecision | None:
        """Score the context lemmas; None when too few of them say anything about the sense."""
        words = {lemma for lemma in context if lemma in self.vocabulary and lemma != self.word}
        if len(words) < MIN_CONTEXT_WORDS:
            return None
        scores = {s: sum(self._log_p(s, w) for w in words) for s in self.profiles}
        others = [s for s in scores if s != self.offer_sense]
        best = max(others, key=scores.__getitem__)
        log_odds = scores[best] - scores[self.offer_sense]
        winner = best if log_odds > 0 else self.offer_sense
        loser = self.offer_sense if winner == best else best
        weight = {w: self._log_p(winner, w) - self._log_p(loser, w) for w in words}
        top = sorted((w for w in words if weight[w] > 0), key=lambda w: (-weight[w], w))[:4]
        return SenseDecision(self.offer_sense, winner, log_odds, tuple(top))


def offer_lemmas(offer: Offer, lang: str, backend: LemmaBackend) -> Counter[str]:
    """The offer's own words in `lang`: title, description, phrases and required context."""
    text = " ".join(
        [
            offer.title,
            offer.description,
            *offer.phrases.get(lang, ()),
            *offer.require_context.get(lang, ()),
            *offer.sense_context.get(lang, ()),
        ]
    )
    stop = stop_words(lang)
    return Counter(lemma for lemma in lemmas_of(text, backend) if lemma not in stop)


def sense_models(offer: Offer, lang: str) -> dict[str, SenseModel]:
    """A model for each one-word phrase of the offer that the sense corpus knows as ambiguous."""
    corpus = sense_corpus(lang)
    if not corpus:
        return {}
    backend = backend_for(lang)
    own = offer_lemmas(offer, lang, backend)
    models = {}
    for word in _ambiguous_words(offer, lang, corpus, backend):
        senses = corpus[word]
        clues = [lemma for lemma in own if lemma != word]
        offer_sense = _offer_sense(offer, lang, senses, clues)
        if offer_sense is None:
            continue  # the offer's words do not say which sense it sells: leave it to the overrides
        profiles = pooled_profiles(senses, word, sense_domains(lang), domain_words(lang))
        for lemma in clues:
            profiles[offer_sense][lemma] += OFFER_WEIGHT
        models[word] = SenseModel(word, profiles, offer_sense)
    return models


def _ambiguous_words(
    offer: Offer, lang: str, corpus: Mapping[str, object], backend: LemmaBackend
) -> list[str]:
    """The lemmas of the offer's one-word phrases in `lang` that the sense corpus holds."""
    words = []
    for phrase in offer.phrases.get(lang, ()):
        lemmas = lemmas_of(phrase, backend)
        if len(lemmas) == 1 and len(phrase.split()) == 1 and lemmas[0] in corpus:
            words.append(lemmas[0])
    return words


def _overlap(senses: Mapping[str, Counter[str]], clues: Iterable[str]) -> Counter[str]:
    """Per sense, how many of the offer's words its contexts share."""
    clues = list(clues)
    return Counter({sense: sum(counts[lemma] > 0 for lemma in clues) for sense, counts in senses.items()})


def _offer_sense(offer: Offer, lang: str, senses: Mapping[str, Counter[str]], clues: list[str]) -> str | None:
    """The sense the offer sells: its words' overlap with each sense, summed over every language the
    offer is written in (sense names are shared), so one stray word (an English "online" found in a
    Polish blood-bank context) cannot outvote a whole description; None if no sense leads."""
    votes = _overlap(senses, clues)
    for other in SENSE_LANGUAGES:
        if other == lang or not offer.phrases.get(other):
            continue
        corpus = sense_corpus(other)
        backend = backend_for(other)
        own = offer_lemmas(offer, other, backend)
        for word in _ambiguous_words(offer, other, corpus, backend):
            found = _overlap(corpus[word], [lemma for lemma in own if lemma != word])
            votes.update({sense: n for sense, n in found.items() if sense in senses})
    if not votes:
        return None
    best = max(votes, key=lambda s: (votes[s], s))
    if votes[best] == 0 or list(votes.values()).count(votes[best]) > 1:
        return None
    return best

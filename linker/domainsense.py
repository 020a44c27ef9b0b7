"""Wrong-sense protection for offer words that have no contrast set in `data/senses/<lang>.tsv`.

Most offer words are not among the ambiguous words of the sense data, yet an outside text may use
them in a meaning the offer does not sell (a "crane" nesting in a marsh for a crane-hire offer).
Without contrast contexts for the word, the only evidence is the *domain*: the offer's own words
(title, description, phrases, context lists) name the domain label(s) it sells in, by the
language's domain signals (each label's vocabulary list in `data/senses/domains/<lang>.tsv` and the
label-specific words of every ambiguous word's contexts of that label). A candidate's context is
counted against the same signals; it is blocked only when another label has words there and the
offer's labels, their neighbours and the offer's own words have none. An offer whose domain its
words do not clearly name is never blocked by this rule (recall first).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from linker.lemmas import backend_for
from linker.offers import Offer
from linker.senses import (
    _ambiguous_words,
    domain_words,
    lemmas_of,
    offer_lemmas,
    sense_corpus,
    sense_domains,
    stop_words,
)

#: a lemma of a label's pooled contexts signals the label when it turns up this many times there
#: (the pools keep only lemmas specific to the label already; on `sense_eval.py --unseen`, 2 linked
#: 89.5 % of the traps at 97.4 % recall, 1 links 84.4 % at 96.2 %)
MIN_POOL_COUNT = 1
#: the offer's words must signal its best label with this many distinct words...
MIN_OFFER_WORDS = 2
#: ...and every label with at least this share of the best label's words is one the offer sells in
#: (a tablet offer sells in "computer" and "electronics" alike)
OFFER_LABEL_SHARE = 0.5
#: neighbours are found on the firmer signals: the lists and the lemmas seen this many times in a pool
#: (a lemma seen once links unrelated labels: "nest" made "building" a neighbour of "animal")
NEIGHBOUR_POOL_COUNT = 2
#: labels sharing this share of the smaller one's signals are neighbours ("river" and "fishing",
#: "law" and "crime"): a context of a neighbour of the offer's labels never blocks
AFFINITY = 0.02
#: a context blocks only when another label has this many distinct words in it...
MIN_OTHER_WORDS = 2
#: ...and the offer's labels and their neighbours (and the offer's own words) at most this many
MAX_OWN_WORDS = 0


@dataclass(frozen=True)
class DomainDecision:
    """The outcome of one domain comparison: the winning label against the offer's labels."""

    offer_labels: tuple[str, ...]
    best_label: str  # never one of the offer's labels or their neighbours
    other_words: tuple[str, ...]  # the context words that signal the winning label
    own_words: tuple[str, ...]  # context words of the offer's labels or neighbours, or the offer's own

    @property
    def other_domain(self) -> bool:
        """Another domain clearly wins and the offer's domain has (almost) no support."""
        return len(self.other_words) >= MIN_OTHER_WORDS and len(self.own_words) <= MAX_OWN_WORDS


def domain_signals(
    pools: Mapping[str, Counter[str]], listed: Mapping[str, set[str]], min_count: int | None = None
) -> dict[str, frozenset[str]]:
    """label -> the lemmas that signal it: its vocabulary list, and the lemmas of its pooled
    contexts (`senses.domain_profiles`, already specific to the label) seen `min_count` times
    (default `MIN_POOL_COUNT`)."""
    min_count = MIN_POOL_COUNT if min_count is None else min_count
    labels = set(pools) | set(listed)
    return {
        label: frozenset(listed.get(label, set()))
        | frozenset(lemma for lemma, n in pools.get(label, {}).items() if n >= min_count)
        for label in labels
    }


def label_index(signals: Mapping[str, frozenset[str]]) -> dict[str, tuple[str, ...]]:
    """lemma -> the labels it signals (sorted)."""
    index: dict[str, set[str]] = {}
    for label, lemmas in signals.items():
        for lemma in lemmas:
            index.setdefault(lemma, set()).add(label)
    return {lemma: tuple(sorted(labels)) for lemma, labels in index.items()}


def support(lemmas: Iterable[str], index: Mapping[str, tuple[str, ...]]) -> dict[str, set[str]]:
    """label -> the distinct lemmas of `lemmas` that signal it."""
    found: dict[str, set[str]] = {}
    for lemma in set(lemmas):
        for label in index.get(lemma, ()):
            found.setdefault(label, set()).add(lemma)
    return found


def neighbours(labels: Iterable[str], signals: Mapping[str, frozenset[str]]) -> tuple[str, ...]:
    """`labels` and every label sharing at least `AFFINITY` of the smaller label's signals with one
    of them (sorted)."""
    chosen = set(labels)
    near = {
        other
        for label in chosen & signals.keys()
        for other, lemmas in signals.items()
        if lemmas
        and signals[label]
        and len(signals[label] & lemmas) >= AFFINITY * min(len(signals[label]), len(lemmas))
    }
    return tuple(sorted(chosen | near))


def offer_labels(words: Iterable[str], index: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The labels the offer's words name: every label within `OFFER_LABEL_SHARE` of the best one,
    when the best has at least `MIN_OFFER_WORDS` words; () when the words name no domain clearly."""
    found = support(words, index)
    if not found:
        return ()
    best = max(len(lemmas) for lemmas in found.values())
    if best < MIN_OFFER_WORDS:
        return ()
    return tuple(sorted(label for label, lemmas in found.items() if len(lemmas) >= OFFER_LABEL_SHARE * best))


class DomainModel:
    """The domain check of one offer word without a contrast set."""

    def __init__(
        self,
        word: str,
        labels: tuple[str, ...],
        own: Iterable[str],
        firm: Mapping[str, frozenset[str]],
        index: Mapping[str, tuple[str, ...]],
    ) -> None:
        """`firm`: the signals neighbours are found on (`domain_signals` at `NEIGHBOUR_POOL_COUNT`);
        `index`: lemma -> labels of all signals (`label_index`)."""
        self.word, self.labels, self.index = word, labels, index
        self.near = neighbours(labels, firm)  # the offer's labels and their neighbours: never block
        self.own = frozenset(own) - {word}  # the offer's own words: in a context they support it

    def decide(self, context: Iterable[str]) -> DomainDecision | None:
        """Count the context's signals; None when no other label is signalled at all."""
        words = set(context) - {self.word}
        found = support(words, self.index)
        own = set().union(*(found.get(label, set()) for label in self.near)) | (words & self.own)
        others = {label: lemmas for label, lemmas in found.items() if label not in self.near}
        if not others:
            return None
        best = max(others, key=lambda label: (len(others[label]), label))
        return DomainDecision(self.labels, best, tuple(sorted(others[best])), tuple(sorted(own)))


@cache
def shipped_signals(lang: str) -> dict[str, frozenset[str]]:
    """The language's domain signals from the shipped sense data (built once)."""
    return domain_signals(sense_domains(lang), domain_words(lang))


@cache
def shipped_firm_signals(lang: str) -> dict[str, frozenset[str]]:
    """The language's signals that neighbours are found on (built once)."""
    return domain_signals(sense_domains(lang), domain_words(lang), NEIGHBOUR_POOL_COUNT)


@cache
def shipped_index(lang: str) -> dict[str, tuple[str, ...]]:
    """The language's lemma -> labels index of `shipped_signals` (built once)."""
    return label_index(shipped_signals(lang))


def domain_models(offer: Offer, lang: str) -> dict[str, DomainModel]:
    """A model for each one-word phrase of the offer that the sense data does not know, when the
    offer's words name its domain; {} otherwise."""
    index = shipped_index(lang)
    if not index:
        return {}
    backend = backend_for(lang)
    corpus = sense_corpus(lang)
    known = set(_ambiguous_words(offer, lang, corpus, backend))
    words = []
    for phrase in offer.phrases.get(lang, ()):
        lemmas = lemmas_of(phrase, backend)
        if len(lemmas) == 1 and len(phrase.split()) == 1 and lemmas[0] not in known:
            words.append(lemmas[0])
    if not words:
        return {}
    stop = stop_words(lang)
    own = [lemma for lemma in offer_lemmas(offer, lang, backend) if lemma not in stop]
    models = {}
    for word in words:
        labels = offer_labels([lemma for lemma in own if lemma != word], index)
        if labels:
            models[word] = DomainModel(word, labels, own, shipped_firm_signals(lang), index)
    return models

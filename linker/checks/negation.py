"""Negation and rejection: "you do not need an extended warranty", "не нужна", "nepotřebujete"."""

from __future__ import annotations

from linker.candidate import Sentence
from linker.checks import Candidate, Reason, register
from linker.phrases import LemmaPhrases, cue_phrases
from linker.reasons import with_words
from linker.scan_context import ScanContext

PREDICATE_REACH = 4  # tokens after a negation word in which a rejecting predicate counts
DETERMINER_REACH = 2  # tokens between "no/without" and the product
FUSED_NEGATION_PREFIXES = {"cs": ("ne",), "pl": ("nie",)}


def _fused_negations(sentence: Sentence, lang: str, reject: LemmaPhrases) -> list[str]:
    """Czech and Polish write some negated verbs as one word (ne-potřebujete, nie-potrzebny)."""
    prefixes = FUSED_NEGATION_PREFIXES.get(lang, ())
    if not prefixes or reject.first_lemmas.isdisjoint(sentence.lemmas):
        return []
    found = []
    for word, lemma in zip(sentence.tokens, sentence.lemmas, strict=True):
        if lemma not in reject:
            continue
        lower = word.lower()
        for prefix in prefixes:
            if lower.startswith(prefix) and not lemma.startswith(prefix):
                found.append(word)
    return found


@register("negation", scope="sentence", order=20)
def negation(candidate: Candidate, ctx: ScanContext) -> list[Reason]:
    """Block when the sentence negates or rejects the product."""
    sentence = candidate.sentence
    if sentence is None:
        return []
    reasons, determiners = ctx.per_sentence(_sentence_negations, sentence)
    reasons = list(reasons)
    for end, words in determiners:
        if 0 <= sentence.offer_first - end <= DETERMINER_REACH:
            text = f"negation:{words} before the product"
            reasons.append(Reason("negation", "before the product", (words,), {}, "negation", text))
    return list(dict.fromkeys(reasons))


def _sentence_negations(sentence: Sentence, lang: str) -> tuple[list[Reason], list[tuple[int, str]]]:
    """What does not depend on where the product stands: dismissive and rejecting phrases, and
    the negative determiners ("no", "without") as (end token, words)."""
    cues = cue_phrases(lang)
    lemmas = sentence.lemmas
    tokens = sentence.tokens
    reasons = []
    words = sentence.cue_words(cues.get("dismiss"))
    if words:
        reasons.append(with_words("negation", "dismissive", words, check="negation"))
    reject = cues.get("reject")
    if reject and "neg" in cues:
        for start, end, _label in cues["neg"].find(lemmas):
            for r_start, r_end, _r in reject.find(lemmas[end : end + PREDICATE_REACH]):
                phrase = " ".join(tokens[start:end] + ["…"] + tokens[end + r_start : end + r_end])
                reasons.append(with_words("negation", "rejects", [phrase], check="negation"))
                break
        fused = _fused_negations(sentence, lang, reject)
        if fused:
            reasons.append(with_words("negation", "rejects", fused, check="negation"))
    negdet = cues.get("negdet")
    determiners = (
        [(end, " ".join(tokens[start:end])) for start, end, _l in negdet.find(lemmas)] if negdet else []
    )
    return reasons, determiners

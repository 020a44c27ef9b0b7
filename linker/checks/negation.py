"""Negation and rejection: "you do not need an extended warranty", "не нужна", "nepotřebujete"."""

from __future__ import annotations

from linker.checks import register
from linker.phrases import cue_phrases

PREDICATE_REACH = 4  # tokens after a negation word in which a rejecting predicate counts
DETERMINER_REACH = 2  # tokens between "no/without" and the product
FUSED_NEGATION_PREFIXES = {"cs": ("ne",), "pl": ("nie",)}


def _fused_negations(sentence, lang: str, reject) -> list[str]:
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


@register("negation", scope="sentence")
def negation(candidate, ctx) -> list[str]:
    """Block when the sentence negates or rejects the product."""
    sentence = candidate.sentence
    if sentence is None:
        return []
    reasons, determiners = ctx.per_sentence(_sentence_negations, sentence)
    reasons = list(reasons)
    for end, words in determiners:
        if 0 <= sentence.offer_first - end <= DETERMINER_REACH:
            reasons.append(f"negation:{words} before the product")
    return list(dict.fromkeys(reasons))


def _sentence_negations(sentence, lang: str) -> tuple[list[str], list[tuple[int, str]]]:
    """What does not depend on where the product stands: dismissive and rejecting phrases, and
    the negative determiners ("no", "without") as (end token, words)."""
    cues = cue_phrases(lang)
    lemmas = sentence.lemmas
    tokens = sentence.tokens
    reasons = []
    words = sentence.cue_words(cues.get("dismiss"))
    if words:
        reasons.append(f"negation:dismissive ({', '.join(words)})")
    reject = cues.get("reject")
    if reject and "neg" in cues:
        for start, end, _label in cues["neg"].find(lemmas):
            for r_start, r_end, _r in reject.find(lemmas[end : end + PREDICATE_REACH]):
                phrase = " ".join(tokens[start:end] + ["…"] + tokens[end + r_start : end + r_end])
                reasons.append(f"negation:rejects ({phrase})")
                break
        fused = _fused_negations(sentence, lang, reject)
        if fused:
            reasons.append(f"negation:rejects ({', '.join(fused)})")
    negdet = cues.get("negdet")
    determiners = (
        [(end, " ".join(tokens[start:end])) for start, end, _l in negdet.find(lemmas)] if negdet else []
    )
    return reasons, determiners

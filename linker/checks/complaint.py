"""Complaints and anger: a customer's angry message about the product gets no offer."""

from __future__ import annotations

from linker.candidate import Sentence
from linker.checks import Candidate, Reason, register, sentence_reasons
from linker.phrases import cue_phrases
from linker.reasons import with_words
from linker.scan_context import ScanContext

MIN_SHOUT_LETTERS = 4


def _shouting(sentence: Sentence) -> list[str]:
    """Words written in capitals for emphasis (not acronyms such as USB or LED)."""
    return [
        word
        for word in sentence.tokens[1:]
        if word.isupper() and len(word) >= MIN_SHOUT_LETTERS and word.isalpha()  # isupper() rules out most
    ]


@register("complaint", scope="sentence", order=30)
def complaint(candidate: Candidate, ctx: ScanContext) -> list[Reason]:
    """Block when anger signals add up, or anger meets a fault report."""
    return sentence_reasons(candidate, ctx, _complaint)


def _complaint(sentence: Sentence, lang: str) -> list[Reason]:
    cues = cue_phrases(lang)
    anger = sentence.cue_words(cues.get("anger"))
    fault = sentence.cue_words(cues.get("fault"))
    shouting = _shouting(sentence)
    if sentence.text.count("!") >= 2 or "?!" in sentence.text:
        anger.append("!!")
    signals = len(anger) + (1 if shouting else 0)
    if signals >= 2 or (signals >= 1 and fault) or (fault and len(fault) >= 2 and anger):
        evidence = anger + shouting + fault
        return [
            with_words("complaint", "angry or complaining", evidence, check="complaint", fault=len(fault))
        ]
    return []

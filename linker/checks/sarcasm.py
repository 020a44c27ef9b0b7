"""Sarcasm about a product: praise meeting a fault or a letdown in the same sentence.

Sarcasm is mostly "a contrast between a positive sentiment and a negative situation" (Riloff et
al., EMNLP 2013): "Brilliant, the router rebooted itself in the middle of my exam again."
The praise words and the letdown words are cue lists (linker/data/<lang>/cues.tsv, kinds `praise`
and `letdown`); the fault words are the complaint check's. Sincere praise ("great router, fast
and stable") has no fault or letdown beside it and passes.
"""

from __future__ import annotations

from linker.candidate import Sentence
from linker.checks import Candidate, Reason, register, sentence_reasons
from linker.phrases import cue_phrases
from linker.reasons import with_words
from linker.scan_context import ScanContext


@register("sarcasm", scope="sentence", order=35)
def sarcasm(candidate: Candidate, ctx: ScanContext) -> list[Reason]:
    """Block a candidate whose sentence praises the product while telling of its failure."""
    return sentence_reasons(candidate, ctx, _sarcasm)


def _sarcasm(sentence: Sentence, lang: str) -> list[Reason]:
    cues = cue_phrases(lang)
    praise = sentence.cue_words(cues.get("praise"))
    if not praise:
        return []
    trouble = sentence.cue_words(cues.get("fault")) + sentence.cue_words(cues.get("letdown"))
    if not trouble:
        return []
    return [with_words("sarcasm", "praise meets a failure", praise + trouble, check="sarcasm")]

"""Word sense: is this the offer's meaning of the phrase?

The offer's `exclude_context` (in the sentence) and `require_context` (in the paragraph, the title or a
heading) are the marketer's overrides; without them, the sense model (linker/senses.py) compares the
candidate's context with the offer's sense and the other senses of an ambiguous word. A one-word
phrase the sense data does not know is checked by its domain instead (linker/domainsense.py): the
same "other sense" reason, with the domain labels as the senses and `params["basis"] == "domain"`.
"""

from __future__ import annotations

from linker.checks import Candidate, Reason, register
from linker.reasons import with_words
from linker.scan_context import ScanContext


@register("sense", scope="sentence", order=10)
def sense(candidate: Candidate, ctx: ScanContext) -> list[Reason]:
    """Block another meaning of the offer's phrase; the offer's context lists override the model."""
    offer = candidate.offer
    excluded = ctx.exclude_phrases(offer)
    if excluded is not None and candidate.sentence is not None:
        words = sorted({label for _s, _e, label in excluded.find(candidate.sentence.lemmas)})
        if words:
            return [with_words("sense", "excluded context", words, check="sense")]
    required = offer.require_context.get(ctx.lang)
    if required:
        if ctx.has_required_context(candidate):
            return []
        text = f"sense:no required context in the paragraph ({', '.join(required[:5])}…)"
        return [Reason("sense", "no required context", tuple(required[:5]), {}, "sense", text)]
    return _model_verdict(candidate, ctx)


def _model_verdict(candidate: Candidate, ctx: ScanContext) -> list[Reason]:
    model = ctx.sense_model(candidate)
    if model is None:
        return _domain_verdict(candidate, ctx)
    decision = model.decide(ctx.sense_context(candidate))
    if decision is None or not decision.other_sense:
        return []
    params = {
        "sense": decision.best_sense,
        "offer_sense": decision.offer_sense,
        "log_odds": round(decision.log_odds, 2),
    }
    words = ", ".join(decision.words)
    text = f"sense:other sense '{decision.best_sense}', not '{decision.offer_sense}' ({words})"
    return [Reason("sense", "other sense", decision.words, params, "sense", text)]


def _domain_verdict(candidate: Candidate, ctx: ScanContext) -> list[Reason]:
    model = ctx.domain_model(candidate)
    if model is None:
        return []
    decision = model.decide(ctx.sense_context(candidate))
    if decision is None or not decision.other_domain:
        return []
    offer_sense = "/".join(decision.offer_labels)
    params = {
        "sense": decision.best_label,
        "offer_sense": offer_sense,
        "basis": "domain",
        "other_words": len(decision.other_words),
        "own_words": len(decision.own_words),
    }
    words = decision.other_words[:4]
    text = f"sense:other sense '{decision.best_label}', not '{offer_sense}' ({', '.join(words)})"
    return [Reason("sense", "other sense", words, params, "sense", text)]

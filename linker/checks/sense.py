"""Word sense: the offer's require_context (paragraph) and exclude_context (sentence)."""

from __future__ import annotations

from linker.checks import register


@register("sense", scope="sentence")
def sense(candidate, ctx) -> list[str]:
    """Check the offer's own context lists."""
    offer, reasons = candidate.offer, []
    excluded = ctx.exclude_phrases(offer)
    if excluded is not None and candidate.sentence is not None:
        words = sorted({label for _s, _e, label in excluded.find(candidate.sentence.lemmas)})
        if words:
            reasons.append(f"sense:excluded context ({', '.join(words)})")
    required = offer.require_context.get(ctx.lang)
    if required and offer.id not in ctx.evidence.context.get(candidate.paragraph, set()):
        reasons.append(f"sense:no required context in the paragraph ({', '.join(required[:5])}…)")
    return reasons

"""Document- and paragraph-level checks: brand-safety floor, tragedy, sensitive topics."""

from __future__ import annotations

from linker.checks import register
from linker.checks.context_model import framing_clears


@register("brand_safety", scope="paragraph")
def brand_safety(candidate, ctx) -> list[str]:
    """Obscenity, hate or graphic violence anywhere in the document blocks every link."""
    if not ctx.evidence.floor:
        return []
    return [f"brand-safety:{'; '.join(dict.fromkeys(ctx.evidence.floor))}"]


@register("tragedy", scope="paragraph")
def tragedy(candidate, ctx) -> list[str]:
    """A document that tells of death, violence or disaster gets no links at all."""
    if not ctx.evidence.tragedy:
        return []
    flagged = ctx.evidence.paragraph_reasons
    if flagged and all(framing_clears(ctx, paragraph) for paragraph in flagged):
        return []  # every paragraph the lexicons flagged reads as protective or troubleshooting
    return [f"document:tragedy ({', '.join(ctx.evidence.tragedy[:6])})"]


@register("sensitive_topic", scope="paragraph")
def sensitive_topic(candidate, ctx) -> list[str]:
    """A paragraph about death, injury, disaster, crime, war, illness, self-harm or abuse gets no links."""
    reasons = ctx.evidence.paragraph_reasons.get(candidate.paragraph, [])
    if reasons and framing_clears(ctx, candidate.paragraph):
        return []  # the model reads insurance, safety or troubleshooting framing, not a tragedy
    return list(reasons)

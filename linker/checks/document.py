"""Document- and paragraph-level checks: brand-safety floor, tragedy, sensitive topics."""

from __future__ import annotations

from linker.checks import Candidate, Reason, register
from linker.checks.context_model import framing_clears
from linker.scan_context import ScanContext


@register("brand_safety", scope="paragraph", order=10)
def brand_safety(candidate: Candidate, ctx: ScanContext) -> list[Reason]:
    """Obscenity, hate or graphic violence anywhere in the document blocks every link."""
    floor = ctx.evidence.floor
    if not floor:
        return []
    kinds = tuple(dict.fromkeys(kind for kind, _word in floor))
    words = tuple(dict.fromkeys(word for _kind, word in floor))
    text = "; ".join(f"{kind} ({word})" for kind, word in dict.fromkeys(floor))
    params = {"kinds": list(kinds)}
    return [Reason("brand-safety", kinds[0], words, params, "brand_safety", f"brand-safety:{text}")]


@register("tragedy", scope="paragraph", order=20)
def tragedy(candidate: Candidate, ctx: ScanContext) -> list[Reason]:
    """A document that tells of death, violence or disaster gets no links at all; the reason's
    ``kinds`` parameter names the topics (sensitive categories) that made it one."""
    words = tuple(ctx.evidence.tragedy[:6])
    if not words:
        return []
    flagged = ctx.evidence.paragraph_reasons
    if flagged and all(framing_clears(ctx, paragraph) for paragraph in flagged):
        return []  # every paragraph the lexicons flagged reads as protective or troubleshooting
    params = {"kinds": list(ctx.evidence.tragedy_kinds)}
    return [Reason("document", "tragedy", words, params, "tragedy", f"document:tragedy ({', '.join(words)})")]


@register("sensitive_topic", scope="paragraph", order=30)
def sensitive_topic(candidate: Candidate, ctx: ScanContext) -> list[Reason]:
    """A paragraph about death, injury, disaster, crime, war, illness, self-harm or abuse gets no links."""
    reasons = ctx.evidence.paragraph_reasons.get(candidate.paragraph, [])
    if reasons and framing_clears(ctx, candidate.paragraph):
        return []  # the model reads insurance, safety or troubleshooting framing, not a tragedy
    return list(reasons)

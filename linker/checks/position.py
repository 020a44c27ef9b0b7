"""Where a link may stand: not in headings, links, code, quotations, captions, or marked text."""

from __future__ import annotations

from linker.checks import register


@register("position", scope="candidate")
def position(candidate, ctx) -> list[str]:
    """Refuse forbidden zones and spans that cross markup."""
    zone = ctx.doc.zone_at(candidate.start, candidate.end)
    if zone:
        return [f"position:inside <{zone}>"]
    if not ctx.doc.can_wrap(candidate.start, candidate.end):
        return ["position:match crosses markup"]
    return []

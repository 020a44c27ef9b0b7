"""Where a link may stand: not in headings, links, code, quotations, captions, or marked text."""

from __future__ import annotations

from linker.checks import Candidate, Reason, register
from linker.scan_context import ScanContext


@register("position", scope="candidate")
def position(candidate: Candidate, ctx: ScanContext) -> list[Reason]:
    """Refuse forbidden zones and spans that cross markup."""
    zone = ctx.doc.zone_at(candidate.start, candidate.end)
    if zone:
        return [Reason("position", "inside", (), {"zone": zone}, "position", f"position:inside <{zone}>")]
    if not ctx.doc.can_wrap(candidate.start, candidate.end):
        return [Reason("position", "crosses markup", (), {}, "position", "position:match crosses markup")]
    return []

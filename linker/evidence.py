"""Document-level evidence from one term-index pass: floor terms, sensitive paragraphs, tragedy."""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field

from linker.offers import Policy
from linker.reasons import Reason, with_words
from linker.termindex import Hit
from linker.text import Document

# A strong term of these categories anywhere makes the whole document a tragedy story.
TRAGIC_CATEGORIES = {"death_injury", "self_harm", "abuse", "graphic_violence", "war_terrorism"}
FLOOR_CATEGORIES = {"graphic_violence"}
SENTENCE_BREAKS = ".!?\n"


@dataclass
class Evidence:
    """What the document-level checks need, computed once per scan."""

    floor: list[tuple[str, str]] = field(default_factory=list)  # (category, word as written)
    paragraph_reasons: dict[int, list[Reason]] = field(default_factory=dict)
    tragedy: list[str] = field(default_factory=list)
    #: the topics (sensitive categories) the tragedy words belong to, in order of discovery
    tragedy_kinds: list[str] = field(default_factory=list)
    context: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: offers whose required context stands in the title or a heading (context for the whole document)
    document_context: set[str] = field(default_factory=set)


class _Spans:
    """Ranges with a bisect lookup of whether one of them holds a hit."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.starts, self.reach, furthest = [], [], -1
        for start, end in sorted(spans):
            furthest = max(furthest, end)
            self.starts.append(start)
            self.reach.append(furthest)  # the furthest end among spans starting up to here

    def holds(self, hit: Hit) -> bool:
        count = bisect.bisect_right(self.starts, hit.start)
        return bool(count) and self.reach[count - 1] >= hit.end


def _inside(hit: Hit, spans: _Spans) -> bool:
    return spans.holds(hit)


def _near(hit: Hit, frames: list[Hit], frame_starts: list[int], window: int) -> list[Hit]:
    """The frames that start within `window` characters of the hit (frames are sorted by start)."""
    low = bisect.bisect_left(frame_starts, hit.start - window - FRAME_REACH)
    high = bisect.bisect_right(frame_starts, hit.end + window // 2)
    return frames[low:high]


FRAME_REACH = 200  # frames are short phrases; a longer one is looked for no further back than this


def _framed(
    hit: Hit, frames: list[Hit], folded: str, window: int, frame_starts: list[int] | None = None
) -> bool:
    """A framable term is neutral when a protective/hypothetical cue stands near it in its sentence."""
    if frame_starts is not None:
        frames = _near(hit, frames, frame_starts, window)
    for frame in frames:
        if frame.end <= hit.start and hit.start - frame.end <= window:
            between = folded[frame.end : hit.start]
        elif frame.start >= hit.end and frame.start - hit.end <= window // 2:
            between = folded[hit.end : frame.start]
        else:
            continue
        if not any(ch in between for ch in SENTENCE_BREAKS):
            return True
    return False


def gather(doc: Document, folded: str, hits: list[Hit], policy: Policy) -> Evidence:
    """Sort the hits into the evidence the checks use."""
    evidence = Evidence()
    if not hits:
        return evidence
    idioms = _Spans([(h.start, h.end) for h in hits if h.term.kind == "idiom"])
    frames = sorted((h for h in hits if h.term.kind == "frame"), key=lambda h: h.start)
    frame_starts = [h.start for h in frames]
    per_paragraph: dict[int, list[Hit]] = defaultdict(list)
    for hit in hits:
        kind = hit.term.kind
        if kind == "context":
            evidence.context[doc.paragraph_of(hit.start)].add(hit.term.key)
        elif kind == "obscenity":
            evidence.floor.append((hit.term.key, doc.text[hit.start : hit.end]))
        elif kind == "sensitive" and not _inside(hit, idioms):
            if hit.term.tier == "framable" and _framed(
                hit, frames, folded, policy.frame_window, frame_starts
            ):
                continue
            per_paragraph[doc.paragraph_of(hit.start)].append(hit)
    strong_terms: set[str] = set()
    for index, para_hits in per_paragraph.items():
        weak = {h.term.label for h in para_hits if h.term.tier == "weak"}
        decisive = [h for h in para_hits if h.term.tier != "weak"]
        if not decisive and len(weak) < policy.weak_terms_to_flag:
            continue
        by_category: dict[str, list[str]] = defaultdict(list)
        for h in para_hits:
            word = doc.text[h.start : h.end]
            if word not in by_category[h.term.key]:
                by_category[h.term.key].append(word)
            if h.term.tier == "strong":
                strong_terms.add(h.term.label)
                if h.term.key in FLOOR_CATEGORIES:
                    evidence.floor.append((h.term.key, word))
                if h.term.key in TRAGIC_CATEGORIES:
                    if word not in evidence.tragedy:
                        evidence.tragedy.append(word)
                    if h.term.key not in evidence.tragedy_kinds:
                        evidence.tragedy_kinds.append(h.term.key)
        evidence.paragraph_reasons[index] = [
            with_words("sensitive", category, words, check="sensitive_topic")
            for category, words in by_category.items()
        ]
    if len(evidence.paragraph_reasons) >= 2 or len(strong_terms) >= 2:
        for reasons in evidence.paragraph_reasons.values():
            for reason in reasons:
                evidence.tragedy.extend(w for w in reason.words if w not in evidence.tragedy)
                if reason.kind not in evidence.tragedy_kinds:
                    evidence.tragedy_kinds.append(reason.kind)
    return evidence

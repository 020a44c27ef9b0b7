"""The Linker: built once with offers and a policy, then scans documents."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from linker.candidate import Candidate
from linker.checks import SCOPES, Check, load_all
from linker.detect import detect_language, language_mismatch, language_name
from linker.evidence import gather
from linker.gcpause import collector_paused
from linker.lemmas import SUPPORTED_LANGUAGES
from linker.model import LanguageModel
from linker.normalize import OffsetMap, normalize
from linker.offers import Offer, Policy, offers_from
from linker.reasons import Reason
from linker.result import Blocked, Link, ScanResult
from linker.scan_context import ScanContext, original_span
from linker.termindex import Hit, TermIndex
from linker.text import Document, fold, sentence_window

HEADINGS = frozenset({"title", "h1", "h2", "h3", "h4", "h5", "h6"})


class Linker:
    """Finds offer phrases by lemma and links only where every context check passes."""

    @collector_paused  # the build makes ~10^5 long-lived objects: collections would walk them all
    def __init__(
        self,
        offers: Iterable[Offer | Mapping[str, Any]],
        policy: Policy | None = None,
        languages: Iterable[str] | None = None,
        block_terms: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self.offers = {offer.id: offer for offer in offers_from(offers)}
        self.policy = policy or Policy()
        registry = load_all()
        chosen = registry if self.policy.checks is None else set(self.policy.checks)
        checks = [check for name, check in registry.items() if name in chosen]
        self.checks = {scope: [c for c in checks if c.scope == scope] for scope in SCOPES}
        wanted = (
            set(languages)
            if languages is not None
            else {
                lang for offer in self.offers.values() for lang, phrases in offer.phrases.items() if phrases
            }
        )
        extra = {lang: tuple(terms) for lang, terms in (block_terms or {}).items()}
        self.models = {
            lang: LanguageModel(lang, list(self.offers.values()), extra.get(lang, ()))
            for lang in SUPPORTED_LANGUAGES
            if lang in wanted
        }

    # public API -----------------------------------------------------------
    @collector_paused
    def scan(
        self, text: str, lang: str | None = None, time_budget: float | None = None, title: str = ""
    ) -> ScanResult:
        """Scan plain text (paragraphs separated by blank lines); `title` is context for all of it.

        With `time_budget` (seconds) the scan stops cleanly when it runs out: the result has
        `truncated` set and holds what was decided until then."""
        deadline = _deadline(time_budget)
        normalized, offsets = normalize(text)
        return self._scan(Document.from_text(normalized), lang, text, offsets, deadline, title)

    @collector_paused
    def scan_html(
        self,
        html: str,
        lang: str | None = None,
        href: Callable[[Link, Offer], str] | None = None,
        time_budget: float | None = None,
        title: str = "",
    ) -> ScanResult:
        """Scan HTML; the result's `html` is the input with the links inserted. Offsets index
        the text content; block elements and <br> separate words and paragraphs. The title and
        the headings are context for the whole document."""
        from linker.html import insert_links, normalized_document, parse_html

        deadline = _deadline(time_budget)
        parsed = parse_html(html)
        document, offsets = normalized_document(parsed)
        result = self._scan(document, lang, parsed.document.text, offsets, deadline, title)
        result.html = insert_links(parsed, result.links, self.offers, href)
        return result

    # internals ------------------------------------------------------------
    def _scan(
        self,
        doc: Document,
        lang: str | None,
        original: str | None = None,
        offsets: OffsetMap | None = None,
        deadline: float | None = None,
        title: str = "",
    ) -> ScanResult:
        refusal = self._language_refusal(doc.text, lang)
        if refusal is not None:
            return refusal
        lang = lang or detect_language(doc.text)
        model = self.models.get(lang) if lang else None
        if model is None:
            return ScanResult(lang=lang, warnings=[_no_model(lang)])
        folded = fold(doc.text)
        prepared = TermIndex.prepare(folded)
        hits = model.index.find(prepared)
        hits.extend(_hashtag_hits(model.index, folded))
        evidence = gather(doc, folded, hits, self.policy)
        title = "\n".join([title, *_headings(doc)]).strip()
        evidence.document_context = _context_offers(model.index, title)
        context = ScanContext(
            lang, doc, model, evidence, self.policy, doc.text if original is None else original, offsets
        )
        context.deadline, context.title = deadline, title
        result = ScanResult(lang=lang)
        # first suitable occurrence only; document-wide refusals are reported once
        linked = context.linked if self.policy.one_per_offer else set()
        # one pass over the whole text; matches that cross a paragraph boundary are dropped
        for paragraph, hit in model.offer_index.paragraph_spans(prepared, doc.paragraphs):
            if deadline is not None and time.monotonic() > deadline:
                result.truncated = True
                stopped_at = original_span(context, hit.start, hit.start)[0]
                result.warnings.append(f"time budget exceeded: scan stopped at offset {stopped_at}")
                return result
            if hit.term.key in linked or hit.term.key in context.reported:
                continue
            if not self._decide(hit, paragraph, context, result):
                return result  # the cap is reached: the rest is not examined
        return result

    def _language_refusal(self, text: str, lang: str | None) -> ScanResult | None:
        """A result without links when a tagged document is clearly in another language."""
        if lang is None or lang not in self.models:
            return None
        actual = language_mismatch(text, lang)
        if actual is None:
            return None
        reason = f"document:language mismatch (tagged {lang}, the text is {language_name(actual)}); no links"
        return ScanResult(lang=lang, warnings=[reason])

    def _decide(self, hit: Hit, paragraph: int, ctx: ScanContext, result: ScanResult) -> bool:
        """Link or block one occurrence; False once the link cap stops the scan."""
        offer = self.offers[hit.term.key]
        candidate = Candidate(offer, hit.start, hit.end, ctx.doc.text[hit.start : hit.end], paragraph)
        if len(result.links) >= self.policy.max_links:
            limit = self.policy.max_links
            cap = f"policy:max links per document ({limit}); later candidates not examined"
            reason = Reason("policy", "max links", (), {"max_links": limit}, "", cap)
            result.blocked.append(_blocked(candidate, [reason], ctx))
            return False
        reasons = ctx.paragraph_verdicts.get(candidate.paragraph)
        if reasons is None:
            reasons = ctx.paragraph_verdicts[candidate.paragraph] = self._run("paragraph", candidate, ctx)
        reasons = reasons + self._run("candidate", candidate, ctx)
        if not reasons:
            if not ctx.analyse(candidate):
                return True  # a surface form whose lemma, in context, is another word
            if any(start < candidate.end and candidate.start < end for start, end in ctx.spans):
                return True
            reasons = self._run("sentence", candidate, ctx)
        if reasons:
            result.blocked.append(_blocked(candidate, reasons, ctx))
            if ctx.evidence.floor or ctx.evidence.tragedy:
                ctx.reported.add(offer.id)  # every later occurrence would be refused for the same reason
            return True
        ctx.linked.add(offer.id)
        ctx.spans.append((candidate.start, candidate.end))
        result.links.append(_link(candidate, ctx))
        return True

    def _run(self, scope: str, candidate: Candidate, ctx: ScanContext) -> list[Reason]:
        checks: list[Check] = self.checks[scope]
        return [
            _as_reason(reason, check.name) for check in checks for reason in check.function(candidate, ctx)
        ]


def _as_reason(reason: Reason | str, check: str) -> Reason:
    """A check's reason as data (a check may still return a "family:detail" code string)."""
    if isinstance(reason, Reason):
        return reason
    code, _, detail = reason.partition(":")
    return Reason(code, detail.split(" (")[0].strip(), (), {}, check, reason)


def _headings(doc: Document) -> list[str]:
    """The text of the document's title and headings (HTML only)."""
    return [doc.text[start:end] for start, end, name in doc.zones if name in HEADINGS]


def _context_offers(index: TermIndex, text: str) -> set[str]:
    """The offers whose required context words stand in `text`."""
    if not text:
        return set()
    hits = index.find(TermIndex.prepare(fold(text)))
    return {hit.term.key for hit in hits if hit.term.kind == "context"}


def _no_model(lang: str | None) -> str:
    if not lang:
        return "language not recognised"
    if lang not in SUPPORTED_LANGUAGES:
        return (
            f"document:language {language_name(lang)} ({lang}) is not supported "
            f"(only {', '.join(SUPPORTED_LANGUAGES)}); no links"
        )
    return f"no offers or pipeline for language {lang!r}"


def _deadline(time_budget: float | None) -> float | None:
    if time_budget is None:
        return None
    return time.monotonic() + max(0.0, float(time_budget))


def _sentence_text(candidate: Candidate, ctx: ScanContext) -> str:
    """The candidate's sentence in the original input; for one refused before spaCy read it (a
    paragraph- or document-level block), the sentence around it cut at sentence ends, so reviewers
    and overrides still know the words it stood in."""
    sentence = candidate.sentence
    if sentence is None:
        para = ctx.doc.paragraphs[candidate.paragraph]
        lo, hi = sentence_window(ctx.doc.text, candidate.start, candidate.end, para, ctx.policy.nlp_window)
        return original_span(ctx, lo, hi)[2].strip()
    return original_span(ctx, sentence.start, sentence.start + len(sentence.text))[2]


def _link(candidate: Candidate, ctx: ScanContext) -> Link:
    sentence = candidate.sentence
    lemmas = " ".join(sentence.lemmas[sentence.offer_first : sentence.offer_last]) if sentence else ""
    start, end, text = original_span(ctx, candidate.start, candidate.end)
    reasons = (
        Reason("match", "lemma", (lemmas,), {}, "", f"match:lemma '{lemmas}'"),
        Reason("checks", "all passed", (), {}, "", "checks:all passed"),
    )
    return Link(candidate.offer.id, start, end, text, _sentence_text(candidate, ctx), reasons)


HASHTAG = re.compile(r"#(\w{4,})")
HASHTAG_KINDS = frozenset({"sensitive", "obscenity"})


def _hashtag_hits(index: TermIndex, folded: str) -> list[Hit]:
    """Sensitive words run together in hashtags (#westexplosion, #nswfires) count too."""
    if "#" not in folded:
        return []
    hits = []
    for match in HASHTAG.finditer(folded):
        hits.extend(index.find_inside(match.group(1), match.start(1), HASHTAG_KINDS))
    return hits


def _blocked(candidate: Candidate, reasons: Sequence[Reason], ctx: ScanContext) -> Blocked:
    start, end, text = original_span(ctx, candidate.start, candidate.end)
    return Blocked(
        candidate.offer.id,
        start,
        end,
        text,
        tuple(dict.fromkeys(reasons)),
        _sentence_text(candidate, ctx),
    )

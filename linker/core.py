"""The Linker: built once with offers and a policy, then scans documents."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from linker.candidate import Candidate, Sentence
from linker.checks import load_all
from linker.detect import detect_language
from linker.evidence import Evidence, gather
from linker.lemmas import SUPPORTED_LANGUAGES, backend_for
from linker.lexicon import lexicon
from linker.nlp import pipeline
from linker.offers import Offer, Policy, offers_from
from linker.phrases import LemmaPhrases, context_phrases
from linker.result import Blocked, Link, ScanResult
from linker.termindex import Hit, Term, TermIndex
from linker.text import Document, fold, sentence_window


class LanguageModel:
    """Everything compiled for one language: term index, phrase matcher, context lists."""

    def __init__(self, lang: str, offers: list[Offer]) -> None:
        self.lang = lang
        self.nlp = pipeline(lang)
        self.index = TermIndex(backend_for(lang))
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LEMMA")
        self.exclude: dict[str, LemmaPhrases] = {}
        self._add_lexicon()
        for offer in offers:
            self._add_offer(offer)
        self.index.build()

    def _add_lexicon(self) -> None:
        lex = lexicon(self.lang)
        for item in lex.sensitive:
            self.index.add(item.term, Term("sensitive", item.category, item.term, item.tier))
        for idiom in lex.idioms:
            self.index.add(idiom, Term("idiom", "idiom", idiom))
        for frame in lex.frames:
            self.index.add(frame, Term("frame", "frame", frame))
        for word in lex.obscenity:
            self.index.add(word, Term("obscenity", "obscenity", word))

    def _add_offer(self, offer: Offer) -> None:
        phrases = offer.phrases.get(self.lang, ())
        if not phrases:
            return
        for phrase in phrases:
            self.index.add(phrase, Term("offer", offer.id, phrase))
        self.matcher.add(offer.id, list(self.nlp.pipe(phrases)))
        for word in offer.require_context.get(self.lang, ()):
            self.index.add(word, Term("context", offer.id, word))
        if offer.exclude_context.get(self.lang):
            self.exclude[offer.id] = context_phrases(self.lang, offer.exclude_context[self.lang])


@dataclass
class ScanContext:
    """Per-scan state handed to the checks."""

    lang: str
    doc: Document
    model: LanguageModel
    evidence: Evidence
    policy: Policy
    _docs: dict[tuple[int, int], tuple[Doc, list]] = field(default_factory=dict)
    linked: set[str] = field(default_factory=set)
    capped: set[str] = field(default_factory=set)

    def exclude_phrases(self, offer: Offer) -> LemmaPhrases | None:
        return self.model.exclude.get(offer.id)

    def analyse(self, candidate: Candidate) -> bool:
        """Run spaCy around the candidate; False if its lemmas do not match the offer."""
        para = self.doc.paragraphs[candidate.paragraph]
        window = sentence_window(self.doc.text, candidate.start, candidate.end, para, self.policy.nlp_window)
        spacy_doc = self._docs.get(window)
        if spacy_doc is None:
            spacy_doc = self._docs[window] = self.model.nlp(self.doc.text[window[0] : window[1]])
        offset = window[0]
        strings = self.model.nlp.vocab.strings
        best = None
        for match_id, first, last in self.model.matcher(spacy_doc):
            span = spacy_doc[first:last]
            start, end = span.start_char + offset, span.end_char + offset
            overlaps = start < candidate.end and candidate.start < end
            if (
                strings[match_id] == candidate.offer.id
                and overlaps
                and (best is None or len(span) > len(best))
            ):
                best = span
        if best is None:
            return False
        sent = best.sent
        candidate.start, candidate.end = best.start_char + offset, best.end_char + offset
        candidate.text = self.doc.text[candidate.start : candidate.end]
        candidate.sentence = Sentence(
            sent, sent.start_char + offset, best.start - sent.start, best.end - sent.start
        )
        return True


class Linker:
    """Finds offer phrases by lemma and links only where every context check passes."""

    def __init__(
        self,
        offers: Iterable[Offer | Mapping[str, Any]],
        policy: Policy | None = None,
        languages: Iterable[str] | None = None,
    ) -> None:
        self.offers = {offer.id: offer for offer in offers_from(offers)}
        self.policy = policy or Policy()
        self.checks = [load_all()[name] for name in self.policy.checks]
        wanted = (
            set(languages)
            if languages is not None
            else {
                lang for offer in self.offers.values() for lang, phrases in offer.phrases.items() if phrases
            }
        )
        self.models = {
            lang: LanguageModel(lang, list(self.offers.values()))
            for lang in SUPPORTED_LANGUAGES
            if lang in wanted
        }

    # public API -----------------------------------------------------------
    def scan(self, text: str, lang: str | None = None) -> ScanResult:
        """Scan plain text (paragraphs separated by blank lines)."""
        return self._scan(Document.from_text(text), lang)

    def scan_html(
        self, html: str, lang: str | None = None, href: Callable[[Link, Offer], str] | None = None
    ) -> ScanResult:
        """Scan HTML; the result's `html` is the input with the links inserted."""
        from linker.html import insert_links, parse_html

        parsed = parse_html(html)
        result = self._scan(parsed.document, lang)
        result.html = insert_links(parsed, result.links, self.offers, href)
        return result

    # internals ------------------------------------------------------------
    def _scan(self, doc: Document, lang: str | None) -> ScanResult:
        lang = lang or detect_language(doc.text)
        model = self.models.get(lang) if lang else None
        if model is None:
            warning = f"no offers or pipeline for language {lang!r}" if lang else "language not recognised"
            return ScanResult(lang=lang, warnings=[warning])
        folded = fold(doc.text)
        hits = model.index.find(folded)
        hits.extend(_hashtag_hits(model.index, folded))
        evidence = gather(doc, folded, hits, self.policy)
        context = ScanContext(lang, doc, model, evidence, self.policy)
        result = ScanResult(lang=lang)
        for hit in _first_per_span(evidence.offer_hits):
            self._decide(hit, context, result)
        return result

    def _decide(self, hit: Hit, ctx: ScanContext, result: ScanResult) -> None:
        offer = self.offers[hit.term.key]
        if offer.id in ctx.capped or (self.policy.one_per_offer and offer.id in ctx.linked):
            return  # only the first suitable occurrence is linked; the cap is reported once per offer
        text = ctx.doc.text[hit.start : hit.end]
        candidate = Candidate(offer, hit.start, hit.end, text, ctx.doc.paragraph_of(hit.start))
        if len(result.links) >= self.policy.max_links:
            cap = f"policy:max links per document ({self.policy.max_links})"
            result.blocked.append(_blocked(candidate, [cap]))
            ctx.capped.add(offer.id)
            return
        reasons = self._run_checks(candidate, ctx, needs_sentence=False)
        if not reasons:
            if not ctx.analyse(candidate):
                return  # a surface form whose lemma, in context, is another word
            if any(link.start < candidate.end and candidate.start < link.end for link in result.links):
                return
            reasons = self._run_checks(candidate, ctx, needs_sentence=True)
        if reasons:
            result.blocked.append(_blocked(candidate, reasons))
            return
        ctx.linked.add(offer.id)
        result.links.append(_link(candidate))

    def _run_checks(self, candidate: Candidate, ctx: ScanContext, *, needs_sentence: bool) -> list[str]:
        return [
            reason
            for check in self.checks
            if check.needs_sentence == needs_sentence
            for reason in check.function(candidate, ctx)
        ]


def _link(candidate: Candidate) -> Link:
    sentence = candidate.sentence
    lemmas = " ".join(sentence.lemmas[sentence.offer_first : sentence.offer_last]) if sentence else ""
    return Link(
        candidate.offer.id,
        candidate.start,
        candidate.end,
        candidate.text,
        sentence.text if sentence else "",
        (f"match:lemma '{lemmas}'", "checks:all passed"),
    )


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


def _blocked(candidate: Candidate, reasons: list[str]) -> Blocked:
    sentence = candidate.sentence.text if candidate.sentence else ""
    return Blocked(
        candidate.offer.id,
        candidate.start,
        candidate.end,
        candidate.text,
        tuple(dict.fromkeys(reasons)),
        sentence,
    )


def _first_per_span(hits: list[Hit]) -> list[Hit]:
    """Offer hits in document order; of overlapping hits the longest wins."""
    ordered = sorted(hits, key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    for hit in ordered:
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept

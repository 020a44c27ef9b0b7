"""The Linker: built once with offers and a policy, then scans documents."""

from __future__ import annotations

import bisect
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from operator import add
from typing import Any

from spacy.attrs import IDX, LEMMA, LENGTH, SENT_START
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from linker.candidate import Candidate, Sentence
from linker.checks import SCOPES, Check, load_all
from linker.detect import detect_language, language_mismatch, language_name
from linker.evidence import Evidence, gather
from linker.gcpause import collector_paused
from linker.lemmas import SUPPORTED_LANGUAGES, OfferWords, backend_for
from linker.lexicon import lexicon
from linker.nlp import LemmaComponent, pipeline
from linker.normalize import OffsetMap, normalize
from linker.offers import Offer, Policy, offers_from
from linker.phrases import LemmaPhrases, context_phrases
from linker.result import Blocked, Link, ScanResult
from linker.termindex import Hit, Term, TermIndex
from linker.text import Document, fold, sentence_window


class LanguageModel:
    """Everything compiled for one language: term index, phrase matcher, context lists."""

    def __init__(self, lang: str, offers: list[Offer], extra_block_terms: tuple[str, ...] = ()) -> None:
        self.lang = lang
        self.nlp = pipeline(lang)  # shared tokenizer and vocabulary
        # this model's own lemmatizer: it reads the offer words this Linker adopted
        self.words = OfferWords(backend_for(lang))
        lemmatizer = LemmaComponent(lang, self.words)
        self.components = [self.nlp.get_pipe("shopkeeper_sentences"), lemmatizer]
        self.lemma_text = lemmatizer.lemma_text
        # Two indexes: the lexicon is searched over the whole document (document-level
        # verdicts), offers paragraph by paragraph until the link cap is reached.
        self.index = TermIndex(self.words)
        self.offer_index = TermIndex(self.words)
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LEMMA")
        self.exclude: dict[str, LemmaPhrases] = {}
        self.match_ids: dict[str, int] = {}  # offer id -> the PhraseMatcher's match id
        self._add_lexicon()
        for term in extra_block_terms:  # a marketer's own blocklist: blocks the whole document
            self.index.add(term, Term("obscenity", "blocklist", term))
        for offer in offers:
            self._add_offer(offer)
        self.index.build()
        self.offer_index.build()

    def analyse(self, text: str) -> Doc:
        """`text` tokenized, split into sentences and lemmatized as this model reads it."""
        doc = self.nlp.make_doc(text)
        for component in self.components:  # Language.__call__'s bookkeeping costs more here
            doc = component(doc)
        return doc

    def _add_lexicon(self) -> None:
        lex = lexicon(self.lang)
        for item in lex.sensitive:
            self.index.add(item.term, Term("sensitive", item.category, item.term, item.tier))
        for idiom in lex.idioms:
            self.index.add(idiom, Term("idiom", "idiom", idiom))
        for frame in lex.frames:
            self.index.add(frame, Term("frame", "frame", frame))
        for word in lex.obscenity:
            self.index.add(word, Term("obscenity", "obscenity", word), base_forms_only=True)

    def _add_offer(self, offer: Offer) -> None:
        phrases = offer.phrases.get(self.lang, ())
        if not phrases:
            return
        for phrase in phrases:
            self.words.adopt(phrase)
            self.offer_index.add(phrase, Term("offer", offer.id, phrase))
        self.matcher.add(offer.id, [self.analyse(phrase) for phrase in phrases])
        self.match_ids[offer.id] = self.nlp.vocab.strings[offer.id]
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
    original: str = ""  # the text as given: results index it
    offsets: OffsetMap | None = None  # normalised -> original offsets
    deadline: float | None = None  # time.monotonic() value after which the scan stops
    _views: list[WindowView] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)  # linked, in normalised offsets
    linked: set[str] = field(default_factory=set)
    reported: set[str] = field(default_factory=set)
    paragraph_verdicts: dict[int, list[str]] = field(default_factory=dict)  # paragraph-scope checks
    _per_sentence: dict[tuple[Callable, int, int], Any] = field(default_factory=dict)

    def per_sentence(self, compute: Callable[[Sentence, str], Any], sentence: Sentence) -> Any:
        """`compute(sentence, lang)` once per sentence and scan (candidates often share a sentence);
        for the parts of a sentence check that do not depend on where the product stands."""
        key = (compute, sentence.start, len(sentence.text))
        value = self._per_sentence.get(key)
        if value is None:
            value = self._per_sentence[key] = compute(sentence, self.lang)
        return value

    def exclude_phrases(self, offer: Offer) -> LemmaPhrases | None:
        return self.model.exclude.get(offer.id)

    def analyse(self, candidate: Candidate) -> bool:
        """Run spaCy around the candidate; False if its lemmas do not match the offer."""
        view = self._view_around(candidate.start, candidate.end, candidate.paragraph)
        match = view.best_match(self.model.match_ids[candidate.offer.id], candidate.start, candidate.end)
        if match is None:
            return False
        first, last = match
        candidate.start, candidate.end = view.char_start(first), view.char_end(last - 1)
        candidate.text = self.doc.text[candidate.start : candidate.end]
        candidate.sentence = view.sentence(first, last)
        return True

    def _view_around(self, start: int, end: int, paragraph: int) -> WindowView:
        """The analysed window holding [start, end): an earlier one (candidates cluster in
        sentences), else the sentence around it, analysed now."""
        for view in self._views[-VIEWS_KEPT:]:  # candidates come in document order
            if view.offset <= start and end <= view.offset + len(view.text):
                return view
        para = self.doc.paragraphs[paragraph]
        lo, hi = sentence_window(self.doc.text, start, end, para, self.policy.nlp_window)
        view = WindowView(self.model, self.doc.text[lo:hi], lo)
        self._views.append(view)
        del self._views[:-VIEWS_KEPT]  # earlier windows are behind the scan: free them
        return view


VIEWS_KEPT = 4


def original_span(ctx: ScanContext, start: int, end: int) -> tuple[int, int, str]:
    """Offsets and text in the original input of the normalised range [start, end)."""
    if ctx.offsets is None or ctx.offsets.identity:
        return start, end, ctx.original[start:end]
    first, last = ctx.offsets.start(start), ctx.offsets.end(end)
    return first, last, ctx.original[first:last]


class WindowView:
    """One spaCy analysis of a window of text: tokens, lemmas, sentences and phrase matches."""

    def __init__(self, model: LanguageModel, text: str, offset: int) -> None:
        self.text, self.offset = text, offset
        doc = model.analyse(text)
        self.strings, self.lemma_text = model.nlp.vocab.strings, model.lemma_text
        # columns of arrays, no Token objects: a Token per word would cost more than the analysis
        columns = doc.to_array([IDX, LENGTH, LEMMA, SENT_START])
        self.starts, lengths, self.lemma_hashes, sentence_starts = columns.T.tolist()
        self.ends = list(map(add, self.starts, lengths))
        self.sentence_starts = [i for i, value in enumerate(sentence_starts) if value == 1] or [0]
        self.matches = model.matcher(doc)
        self._sentences: dict[int, tuple[int, int, list[str], list[str]]] = {}

    def char_start(self, token: int) -> int:
        return self.offset + self.starts[token]

    def char_end(self, token: int) -> int:
        return self.offset + self.ends[token]

    def best_match(self, offer_hash: int, start: int, end: int) -> tuple[int, int] | None:
        """The longest match of the offer overlapping [start, end), as token indices."""
        best = None
        for match_id, first, last in self.matches:
            if match_id != offer_hash or (best is not None and last - first <= best[1] - best[0]):
                continue
            if self.char_start(first) < end and start < self.char_end(last - 1):
                best = (first, last)
        return best

    def sentence(self, first: int, last: int) -> Sentence:
        """The sentence holding tokens [first, last)."""
        position = bisect.bisect_right(self.sentence_starts, first) - 1
        s_first, s_last, words, lemmas = self._sentence_tokens(position)
        text = self.text[self.starts[s_first] : self.ends[s_last - 1]]
        return Sentence(text, self.char_start(s_first), words, lemmas, first - s_first, last - s_first)

    def _sentence_tokens(self, position: int) -> tuple[int, int, list[str], list[str]]:
        """Token range, words and lemmas of the `position`-th sentence, built once per window."""
        cached = self._sentences.get(position)
        if cached is None:
            s_first = self.sentence_starts[position]
            following = self.sentence_starts[position + 1 : position + 2]
            s_last = following[0] if following else len(self.starts)
            words = [self.text[self.starts[i] : self.ends[i]] for i in range(s_first, s_last)]
            text_of, strings = self.lemma_text, self.strings
            lemmas = [text_of.get(h) or strings[h] for h in self.lemma_hashes[s_first:s_last]]
            cached = self._sentences[position] = (s_first, s_last, words, lemmas)
        return cached


class Linker:
    """Finds offer phrases by lemma and links only where every context check passes."""

    def __init__(
        self,
        offers: Iterable[Offer | Mapping[str, Any]],
        policy: Policy | None = None,
        languages: Iterable[str] | None = None,
        block_terms: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self.offers = {offer.id: offer for offer in offers_from(offers)}
        self.policy = policy or Policy()
        checks = [load_all()[name] for name in self.policy.checks]
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
    def scan(self, text: str, lang: str | None = None, time_budget: float | None = None) -> ScanResult:
        """Scan plain text (paragraphs separated by blank lines).

        With `time_budget` (seconds) the scan stops cleanly when it runs out: the result has
        `truncated` set and holds what was decided until then."""
        deadline = _deadline(time_budget)
        normalized, offsets = normalize(text)
        return self._scan(Document.from_text(normalized), lang, text, offsets, deadline)

    @collector_paused
    def scan_html(
        self,
        html: str,
        lang: str | None = None,
        href: Callable[[Link, Offer], str] | None = None,
        time_budget: float | None = None,
    ) -> ScanResult:
        """Scan HTML; the result's `html` is the input with the links inserted. Offsets index
        the text content; block elements and <br> separate words and paragraphs."""
        from linker.html import insert_links, normalized_document, parse_html

        deadline = _deadline(time_budget)
        parsed = parse_html(html)
        document, offsets = normalized_document(parsed)
        result = self._scan(document, lang, parsed.document.text, offsets, deadline)
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
        context = ScanContext(
            lang, doc, model, evidence, self.policy, doc.text if original is None else original, offsets
        )
        context.deadline = deadline
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
            cap = f"policy:max links per document ({self.policy.max_links}); later candidates not examined"
            result.blocked.append(_blocked(candidate, [cap], ctx))
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

    def _run(self, scope: str, candidate: Candidate, ctx: ScanContext) -> list[str]:
        checks: list[Check] = self.checks[scope]
        return [reason for check in checks for reason in check.function(candidate, ctx)]


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
    sentence = candidate.sentence
    if sentence is None:
        return ""
    return original_span(ctx, sentence.start, sentence.start + len(sentence.text))[2]


def _link(candidate: Candidate, ctx: ScanContext) -> Link:
    sentence = candidate.sentence
    lemmas = " ".join(sentence.lemmas[sentence.offer_first : sentence.offer_last]) if sentence else ""
    start, end, text = original_span(ctx, candidate.start, candidate.end)
    return Link(
        candidate.offer.id,
        start,
        end,
        text,
        _sentence_text(candidate, ctx),
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


def _blocked(candidate: Candidate, reasons: list[str], ctx: ScanContext) -> Blocked:
    start, end, text = original_span(ctx, candidate.start, candidate.end)
    return Blocked(
        candidate.offer.id,
        start,
        end,
        text,
        tuple(dict.fromkeys(reasons)),
        _sentence_text(candidate, ctx),
    )

"""What one language needs compiled once per Linker: term indexes, phrase matcher, context lists."""

from __future__ import annotations

import threading
from functools import cached_property

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from linker.domainsense import DomainModel, domain_models
from linker.lemmas import OfferWords, OverlayReplay, backend_for
from linker.lexicon import lexicon
from linker.lexkeys import ShippedKeys
from linker.nlp import LemmaComponent, pipeline
from linker.offers import Offer
from linker.phrases import LemmaPhrases, context_phrases
from linker.senses import SenseModel, sense_models
from linker.termindex import Term, TermIndex


class LanguageModel:
    """Everything compiled for one language: term indexes, phrase matcher, context lists.

    The term indexes are built at once: every scan reads them. The spaCy side (the language's
    pipeline, the offers' phrase matcher, their exclude_context phrases) is built when a scan
    first needs it, i.e. when a candidate first reaches spaCy, so a language whose documents
    yield no candidate never builds its tokenizer (0.1-0.2 s each). Each offer's phrases are
    lemmatized as they were when the matcher was built with the offers, one after the other:
    with the offer words adopted up to and including that offer's (`OverlayReplay`)."""

    def __init__(self, lang: str, offers: list[Offer], extra_block_terms: tuple[str, ...] = ()) -> None:
        self.lang = lang
        # this model's own lemmatizer: it reads the offer words this Linker adopted
        self.backend = backend_for(lang)  # plain lemmas (the sense model reads these)
        self.words = OfferWords(self.backend)
        self._lemmatizer = LemmaComponent(lang, self.words)
        self.lemma_text = self._lemmatizer.lemma_text
        # Two indexes: the lexicon is searched over the whole document (document-level
        # verdicts), offers paragraph by paragraph until the link cap is reached.
        self.index = TermIndex(self.words, ShippedKeys(self.words))
        self.offer_index = TermIndex(self.words)
        # offer id -> its phrases here, and the overlay's (writes, version) after their adoption
        self._phrases: dict[str, tuple[tuple[str, ...], int, int]] = {}
        self._exclude_words: dict[str, tuple[str, ...]] = {}
        self._senses: dict[str, dict[str, SenseModel]] = {}  # built when first needed
        self._domains: dict[str, dict[str, DomainModel]] = {}  # likewise
        self._spacy_parts: tuple[list, PhraseMatcher, dict[str, int]] | None = None
        self._spacy_lock = threading.Lock()
        self._add_lexicon()
        for term in extra_block_terms:  # a marketer's own blocklist: blocks the whole document
            self.index.add(term, Term("obscenity", "blocklist", term))
        for offer in offers:
            self._add_offer(offer)
        self.index.build()
        self.offer_index.build()

    @property
    def nlp(self) -> Language:
        """The language's shared pipeline (tokenizer and vocabulary; built once per process)."""
        return pipeline(self.lang)

    @property
    def matcher(self) -> PhraseMatcher:
        """The offers' phrases, matched by lemma."""
        return self._spacy[1]

    @property
    def match_ids(self) -> dict[str, int]:
        """Offer id -> the phrase matcher's match id."""
        return self._spacy[2]

    @cached_property
    def exclude(self) -> dict[str, LemmaPhrases]:
        """Offer id -> its exclude_context in this language, as lemma phrases (built on first use)."""
        words = self._exclude_words
        return {offer_id: context_phrases(self.lang, context) for offer_id, context in words.items()}

    def analyse(self, text: str) -> Doc:
        """`text` tokenized, split into sentences and lemmatized as this model reads it."""
        doc = self.nlp.make_doc(text)
        for component in self._spacy[0]:  # Language.__call__'s bookkeeping costs more here
            doc = component(doc)
        return doc

    @property
    def _spacy(self) -> tuple[list, PhraseMatcher, dict[str, int]]:
        """The steps `analyse` runs (sentence starts, then this model's lemmas), the phrase
        matcher and its match ids, built on first use (once: the build swaps the lemmatizer's
        overlay, which a scan in another thread must not see)."""
        parts = self._spacy_parts
        if parts is None:
            with self._spacy_lock:
                parts = self._spacy_parts
                if parts is None:
                    parts = self._spacy_parts = self._build_spacy()
        return parts

    def _build_spacy(self) -> tuple[list, PhraseMatcher, dict[str, int]]:
        """`_spacy`, built: the lemmatizer reads a replay of the overlay while the phrases are
        analysed (its word cache included, so that it is left as the offers' analyses left it),
        then the overlay itself."""
        nlp = self.nlp
        components = [nlp.get_pipe("shopkeeper_sentences"), self._lemmatizer]
        matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
        replay = OverlayReplay(self.words)
        self._lemmatizer.backend = replay
        try:
            for offer_id, (phrases, writes, version) in self._phrases.items():
                replay.advance(writes, version)
                docs = []
                for phrase in phrases:
                    doc = nlp.make_doc(phrase)
                    for component in components:
                        doc = component(doc)
                    docs.append(doc)
                matcher.add(offer_id, docs)
        finally:
            self._lemmatizer.backend = self.words
        strings = nlp.vocab.strings
        return components, matcher, {offer_id: strings[offer_id] for offer_id in self._phrases}

    def sense_models(self, offer: Offer) -> dict[str, SenseModel]:
        """The offer's word-sense models in this language (built on first use)."""
        models = self._senses.get(offer.id)
        if models is None:
            models = self._senses[offer.id] = sense_models(offer, self.lang)
        return models

    def domain_models(self, offer: Offer) -> dict[str, DomainModel]:
        """The offer's domain models in this language, for its words without a contrast set."""
        models = self._domains.get(offer.id)
        if models is None:
            models = self._domains[offer.id] = domain_models(offer, self.lang)
        return models

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
        self._phrases[offer.id] = (tuple(phrases), len(self.words.writes), self.words.version)
        for word in offer.require_context.get(self.lang, ()):
            self.index.add(word, Term("context", offer.id, word))
        if offer.exclude_context.get(self.lang):
            self._exclude_words[offer.id] = tuple(offer.exclude_context[self.lang])

"""What one language needs compiled once per Linker: term indexes, phrase matcher, context lists."""

from __future__ import annotations

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from linker.domainsense import DomainModel, domain_models
from linker.lemmas import OfferWords, backend_for
from linker.lexicon import lexicon
from linker.nlp import LemmaComponent, pipeline
from linker.offers import Offer
from linker.phrases import LemmaPhrases, context_phrases
from linker.senses import SenseModel, sense_models
from linker.termindex import Term, TermIndex


class LanguageModel:
    """Everything compiled for one language: term index, phrase matcher, context lists."""

    def __init__(self, lang: str, offers: list[Offer], extra_block_terms: tuple[str, ...] = ()) -> None:
        self.lang = lang
        self.nlp = pipeline(lang)  # shared tokenizer and vocabulary
        # this model's own lemmatizer: it reads the offer words this Linker adopted
        self.backend = backend_for(lang)  # plain lemmas (the sense model reads these)
        self.words = OfferWords(self.backend)
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
        self._senses: dict[str, dict[str, SenseModel]] = {}  # built when first needed
        self._domains: dict[str, dict[str, DomainModel]] = {}  # likewise
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
        self.matcher.add(offer.id, [self.analyse(phrase) for phrase in phrases])
        self.match_ids[offer.id] = self.nlp.vocab.strings[offer.id]
        for word in offer.require_context.get(self.lang, ()):
            self.index.add(word, Term("context", offer.id, word))
        if offer.exclude_context.get(self.lang):
            self.exclude[offer.id] = context_phrases(self.lang, offer.exclude_context[self.lang])

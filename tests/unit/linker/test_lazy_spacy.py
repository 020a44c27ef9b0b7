"""Issue #13.6: a language's spaCy side (pipeline, phrase matcher, exclude phrases) is built when
a scan first needs it, and gives what the eager build gave."""

from spacy.matcher import PhraseMatcher

from linker import Linker
from linker.lemmas import OfferWords, backend_for
from linker.nlp import LemmaComponent, pipeline

# Neither "ikonu" nor "ikona" is in simplemma's Czech dictionary: the first offer adopts "ikona"
# as a guessed form of "ikonu", the second then adopts "ikonu" as a guessed form of "ikona". The
# eager build lemmatized each offer's phrase right after its own adoption (both patterns read
# "ikonu"); lemmatized after both adoptions they would read "ikona" and "ikonu".
OFFERS = [
    {"id": "a-ikonu", "title": "Ikonu", "url": "https://x/a", "phrases": {"cs": ["ikonu"]}},
    {"id": "b-ikona", "title": "Ikona", "url": "https://x/b", "phrases": {"cs": ["ikona"]}},
    {
        "id": "c-myš",
        "title": "Myš",
        "url": "https://x/c",
        "phrases": {"cs": ["počítačová myš", "myš"]},
        "exclude_context": {"cs": ["past na myši"]},
    },
]
TEXT = "Klikněte na ikonu. Ikona je vlevo. Počítačovou myší klikněte na ikony."


def _eager_matches(text: str) -> list[tuple[str, int, int]]:
    """What the matcher found when each offer's phrases were analysed right after its adoption."""
    nlp = pipeline("cs")
    words = OfferWords(backend_for("cs"))
    components = [nlp.get_pipe("shopkeeper_sentences"), LemmaComponent("cs", words)]

    def analyse(phrase):
        doc = nlp.make_doc(phrase)
        for component in components:
            doc = component(doc)
        return doc

    matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
    for offer in OFFERS:
        for phrase in offer["phrases"]["cs"]:
            words.adopt(phrase)
        matcher.add(offer["id"], [analyse(phrase) for phrase in offer["phrases"]["cs"]])
    return sorted((nlp.vocab.strings[key], start, end) for key, start, end in matcher(analyse(text)))


def test_the_spacy_side_waits_for_the_first_candidate():
    linker = Linker(OFFERS, languages=["cs"])
    model = linker.models["cs"]
    assert model._spacy_parts is None and "exclude" not in model.__dict__
    linker.scan("Dnes prší a nic víc.", lang="cs")  # no candidate: no spaCy
    assert model._spacy_parts is None
    linker.scan(TEXT, lang="cs")
    assert model._spacy_parts is not None


def test_the_matcher_matches_as_the_eager_build_did():
    model = Linker(OFFERS, languages=["cs"]).models["cs"]
    found = sorted((model.nlp.vocab.strings[key], s, e) for key, s, e in model.matcher(model.analyse(TEXT)))
    assert found == _eager_matches(TEXT)
    # "Ikona" and "ikony" (read as "ikonu") match both offers; "ikonu" (read as "ikona") neither
    assert found == [("a-ikonu", 4, 5), ("a-ikonu", 12, 13), ("b-ikona", 4, 5), ("b-ikona", 12, 13)]
    assert model.match_ids == {offer["id"]: model.nlp.vocab.strings[offer["id"]] for offer in OFFERS}


def test_exclude_phrases_are_built_on_first_use():
    model = Linker(OFFERS, languages=["cs"]).models["cs"]
    assert set(model.exclude) == {"c-myš"}
    assert model.exclude["c-myš"].find(["past", "na", "myši"])


def test_first_scans_in_several_threads_agree_with_one():
    from concurrent.futures import ThreadPoolExecutor

    expected = Linker(OFFERS, languages=["cs"]).scan(TEXT, lang="cs")
    linker = Linker(OFFERS, languages=["cs"])
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _n: linker.scan(TEXT, lang="cs"), range(8)))
    assert all(r.links == expected.links and r.blocked == expected.blocked for r in results)

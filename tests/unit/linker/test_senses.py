"""Word sense per offer: another meaning of an ambiguous phrase is blocked, the offer's own linked.

The offers and texts here are not in the sense corpus (linker/data/senses): the model has to
generalise from the contrast sets and the offer's own words.
"""

import pytest

from linker import Linker
from linker.senses import sense_corpus
from tests.unit.linker.conftest import linked

ACCOUNT = {
    "id": "current-account",
    "url": "https://shop.example/account",
    "title": "Everyday current account",
    "description": "Open a bank account online with a free payment card and instant transfers.",
    "phrases": {"en": ["bank"], "pl": ["bank"], "cs": ["banka"], "ru": ["банк"]},
}
MOUSE = {
    "id": "quiet-mouse",
    "url": "https://shop.example/mouse",
    "title": "Quiet wireless mouse",
    "description": "Ergonomic mouse for laptops with silent buttons and USB-C charging.",
    "phrases": {"en": ["mouse"], "pl": ["mysz"], "cs": ["myš"], "ru": ["мышь"]},
}
TABLET = {
    "id": "kids-tablet",
    "url": "https://shop.example/tablet",
    "title": "Family tablet",
    "description": "A ten-inch tablet with a bright screen, apps, games and parental controls.",
    "phrases": {"en": ["tablet"]},
}


@pytest.fixture(scope="module")
def sense_linker():
    return Linker([ACCOUNT, MOUSE, TABLET])


OTHER_SENSE = [
    ("en", "current-account", "We rowed across the river and tied the boat to a willow on the far bank."),
    ("en", "current-account", "Volunteers at the food bank handed out soup and bread to families."),
    ("en", "quiet-mouse", "The cat chased a mouse under the sofa and lost it."),
    ("en", "kids-tablet", "Swallow a tablet with water every evening, as the doctor prescribed."),
    ("pl", "current-account", "Bank krwi apeluje do dawców o oddawanie krwi przed długim weekendem."),
    ("pl", "quiet-mouse", "Kot przyniósł do domu mysz złapaną w ogrodzie."),
    ("cs", "current-account", "Banka krve shání dárce, zásoby plazmy docházejí."),
    ("cs", "quiet-mouse", "Myš nám v noci rozkousala pytel s moukou ve spíži."),
    ("ru", "current-account", "Банк крови срочно ищет доноров с редкой группой."),
    ("ru", "quiet-mouse", "Кот поймал мышь в подвале и принёс её на крыльцо."),
]

OWN_SENSE = [
    ("en", "current-account", "Pay your bills in the bank app and check your balance any time."),
    ("en", "quiet-mouse", "Pair the mouse with your laptop over Bluetooth and start clicking."),
    ("en", "kids-tablet", "Download games and e-books to the tablet before the long drive."),
    ("pl", "current-account", "Załóż konto w banku i zamów kartę płatniczą w aplikacji."),
    ("pl", "quiet-mouse", "Mysz łączy się z laptopem przez odbiornik USB."),
    ("cs", "current-account", "V bance si otevřete účet a platební kartu dostanete zdarma."),
    ("cs", "quiet-mouse", "Připojte myš k notebooku a nastavte rychlost kurzoru."),
    ("ru", "current-account", "Откройте счёт в банке и получите платёжную карту бесплатно."),
    ("ru", "quiet-mouse", "Мышь подключается к ноутбуку через USB-приёмник."),
]


@pytest.mark.parametrize(("lang", "offer", "text"), OTHER_SENSE)
def test_another_sense_of_the_phrase_is_blocked_with_a_sense_reason(sense_linker, lang, offer, text):
    result = sense_linker.scan(text, lang=lang)
    assert offer not in linked(result)
    reasons = [r for b in result.blocked if b.offer == offer for r in b.reasons]
    sense = [r for r in reasons if r.code == "sense"]
    assert sense and sense[0].kind == "other sense", [str(r) for r in reasons]
    assert sense[0].words and sense[0].params["log_odds"] >= 1.0
    assert sense[0].params["sense"] != sense[0].params["offer_sense"]


@pytest.mark.parametrize(("lang", "offer", "text"), OWN_SENSE)
def test_the_offers_own_sense_is_linked(sense_linker, lang, offer, text):
    result = sense_linker.scan(text, lang=lang)
    assert offer in linked(result), [str(r) for b in result.blocked for r in b.reasons]


def test_the_offers_sense_comes_from_its_own_words():
    """The same text: a pet-shop offer for "mouse" is linked where the computer-mouse offer is not."""
    pet = {
        "id": "pet-mouse",
        "url": "https://shop.example/pets",
        "title": "Pet mice",
        "description": "Tame mice with a cage, bedding and seeds for the animal.",
        "phrases": {"en": ["mouse"]},
    }
    text = "The little mouse sleeps in its cage and nibbles seeds all evening."
    assert linked(Linker([pet]).scan(text, lang="en")) == {"pet-mouse"}
    assert linked(Linker([MOUSE]).scan(text, lang="en")) == set()


def test_the_title_is_context_for_the_whole_text(sense_linker):
    text = "The cat knocked it off the shelf, so pick up the mouse and look at it underneath."
    without = sense_linker.scan(text, lang="en")
    with_title = sense_linker.scan(text, lang="en", title="My wireless mouse does not work with the laptop")
    assert "quiet-mouse" not in linked(without)
    assert "quiet-mouse" in linked(with_title)


def test_a_heading_counts_as_required_context_for_the_article():
    offer = {**MOUSE, "require_context": {"en": ["wireless"]}}
    linker = Linker([offer])
    body = "<p>Charge the mouse for an hour before you use it.</p>"
    assert linked(linker.scan_html(body, lang="en")) == set()
    assert linked(linker.scan_html("<h1>Wireless set-up</h1>" + body, lang="en")) == {"quiet-mouse"}
    assert linked(linker.scan_html(body, lang="en", title="Wireless set-up")) == {"quiet-mouse"}


def test_require_and_exclude_context_override_the_model():
    text = "The cat chased a mouse under the sofa and lost it."
    required = {**MOUSE, "require_context": {"en": ["sofa"]}}
    assert linked(Linker([required]).scan(text, lang="en")) == {"quiet-mouse"}
    excluded = {**MOUSE, "exclude_context": {"en": ["laptop"]}}
    result = Linker([excluded]).scan("Pair the mouse with your laptop.", lang="en")
    assert [r.kind for b in result.blocked for r in b.reasons] == ["excluded context"]


def test_an_offer_whose_words_do_not_tell_the_sense_is_left_to_the_overrides():
    vague = {"id": "vague", "url": "https://shop.example/v", "title": "Vague", "phrases": {"en": ["mouse"]}}
    text = "The cat chased a mouse under the sofa and lost it."
    assert linked(Linker([vague]).scan(text, lang="en")) == {"vague"}


@pytest.mark.parametrize("lang", ["en", "pl", "cs", "ru"])
def test_the_corpus_has_at_least_eight_contexts_per_sense(lang):
    from importlib import resources

    rows = resources.files("linker.data").joinpath("senses", f"{lang}.tsv").read_text("utf-8").splitlines()
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        if row and not row.startswith("#"):
            word, sense, _context = row.split("\t")
            counts[(word, sense)] = counts.get((word, sense), 0) + 1
    assert len({word for word, _ in counts}) >= 4 and min(counts.values()) >= 8
    assert all(len(senses) >= 2 for senses in sense_corpus(lang).values())


@pytest.mark.parametrize("lang", ["en", "pl", "cs", "ru"])
def test_the_offer_sense_is_voted_over_all_its_languages(lang):
    # the account offer is described in English only; read with a Polish lemmatizer its words
    # overlap a Polish blood-bank context by one stray word ("online"): the English description,
    # read against the English contrast sets, must still decide that it sells the finance sense
    from linker.offers import parse_offers
    from linker.senses import sense_models

    offer = parse_offers([ACCOUNT])[0]
    word = {"en": "bank", "pl": "bank", "cs": "banka", "ru": "банк"}[lang]
    assert sense_models(offer, lang)[word].offer_sense == "finance"


def test_a_sense_learns_from_its_domain_beyond_the_words_own_contexts():
    """ "squeak" (the animal domain's word list) and "cheese" (the animal contexts of other words)
    never occur beside "mouse" itself, yet they tell the animal sense; without the pools they cannot."""
    from collections import Counter

    from linker.senses import SenseModel, pooled_profiles

    own = {"computer": Counter({"laptop": 3, "click": 2}), "animal": Counter({"cat": 3, "tail": 2})}
    domains = {"animal": Counter({"cheese": 4, "cat": 3}), "computer": Counter({"screen": 4})}
    listed = {"animal": {"squeak"}, "computer": {"keyboard"}}
    pooled = SenseModel("mouse", pooled_profiles(own, "mouse", domains, listed), "computer")
    for context in (["squeak"], ["cheese"]):
        decision = pooled.decide(context)
        assert decision is not None and decision.best_sense == "animal" and decision.other_sense
    assert pooled.decide(["keyboard"]).best_sense == "computer"
    alone = SenseModel(
        "mouse", pooled_profiles(own, "mouse", domains, listed, weight=0, list_weight=0), "computer"
    )
    assert not any(
        d is not None and d.other_sense for d in (alone.decide(["squeak"]), alone.decide(["cheese"]))
    )

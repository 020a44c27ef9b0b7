"""Wrong-sense protection for offer words the sense data does not know (linker/domainsense.py).

"crane" has no contrast set in linker/data/senses/en.tsv: only the offer's domain, named by its
own words, and the domains the candidate's context signals can tell a bird from a machine.
"""

import pytest

from linker import Linker
from linker.domainsense import (
    DomainModel,
    domain_models,
    label_index,
    offer_labels,
)
from linker.offers import Offer
from linker.senses import sense_corpus
from tests.unit.linker.conftest import linked

CRANE = {
    "id": "crane-hire",
    "url": "https://shop.example/crane",
    "title": "Tower crane hire",
    "description": "Construction crane rental with an operator for building sites: "
    "lifting steel beams, concrete and roof trusses.",
    "phrases": {"en": ["crane"]},
}
VAGUE = {**CRANE, "id": "crane-deal", "title": "Crane", "description": "Order today."}

BIRD = "Cranes nest in the marsh every spring and their chicks learn to fly by August."
SITE = "Our crane operator can place the concrete panels on the building site by noon."


@pytest.fixture(scope="module")
def crane_linker():
    return Linker([CRANE])


def test_crane_has_no_contrast_set():
    assert "crane" not in sense_corpus("en")  # else this file would test the other check


def test_a_context_of_another_domain_is_blocked_with_a_sense_reason(crane_linker):
    result = crane_linker.scan(BIRD, lang="en")
    assert "crane-hire" not in linked(result)
    reasons = [r for b in result.blocked if b.offer == "crane-hire" for r in b.reasons]
    sense = [r for r in reasons if r.code == "sense"]
    assert sense and sense[0].kind == "other sense", [str(r) for r in reasons]
    assert sense[0].params["basis"] == "domain"
    assert sense[0].params["sense"] == "bird" and "building" in sense[0].params["offer_sense"]
    assert sense[0].words


def test_the_offers_own_domain_is_linked(crane_linker):
    assert "crane-hire" in linked(crane_linker.scan(SITE, lang="en"))


def test_an_offer_whose_domain_its_words_do_not_name_is_never_blocked_by_it():
    assert domain_models(Offer.from_dict(VAGUE), "en") == {}
    assert domain_models(Offer.from_dict(CRANE), "en")  # the same phrase with a description is checked
    result = Linker([VAGUE]).scan(BIRD, lang="en")
    assert "crane-deal" in linked(result), [str(r) for b in result.blocked for r in b.reasons]


SIGNALS = {
    "bird": frozenset({"heron", "nest", "feather", "chick"}),
    "building": frozenset({"concrete", "steel", "site", "beam"}),
    "finance": frozenset({"loan", "interest", "deposit"}),
    "road": frozenset({"asphalt", "lane", "traffic", "concrete", "steel"}),  # a neighbour of "building"
}
INDEX = label_index(SIGNALS)


def test_the_offers_labels_need_two_of_its_words():
    assert offer_labels(["beam", "site", "order"], INDEX) == ("building",)
    assert offer_labels(["beam", "order"], INDEX) == ()


@pytest.mark.parametrize(
    ("context", "blocks"),
    [
        (["heron", "nest", "feather"], True),  # another domain clearly wins, none of the offer's
        (["heron", "nest", "chick", "steel"], False),  # the offer's domain has support
        (["heron", "nest", "chick", "asphalt"], False),  # so has a neighbour of it
        (["heron", "nest", "lift"], True),
        (["heron", "lift"], False),  # one word of another domain is not enough
        (["heron", "nest", "hire"], False),  # an offer's own word supports it
    ],
)
def test_a_block_needs_a_clear_winner_and_no_support_for_the_offer(context, blocks):
    model = DomainModel("crane", ("building",), ["tower", "hire"], SIGNALS, INDEX)
    decision = model.decide(context)
    assert decision is not None
    assert decision.other_domain is blocks
    assert decision.best_label == "bird"


def test_a_neighbour_of_the_offers_domain_never_blocks():
    model = DomainModel("crane", ("building",), ["tower", "hire"], SIGNALS, INDEX)
    assert model.near == ("building", "road")
    decision = model.decide(["asphalt", "lane", "traffic"])
    assert decision is None or not decision.other_domain
    decision = model.decide(["asphalt", "lane", "traffic", "heron", "nest"])
    assert decision is not None and decision.best_label == "bird" and not decision.other_domain

"""Each context check, in each language."""

import pytest

from linker import Linker, Policy
from tests.unit.linker.conftest import blocked_reasons, linked


@pytest.mark.parametrize(
    "lang,text,offer,category",
    [
        ("en", "The explosion started at a gas grill; two neighbours are in hospital.", "grill", "accident"),
        ("en", "He was stabbed with a kitchen knife outside the bar.", "kitchen-knives", "crime"),
        ("pl", "Mężczyzna zginął od ciosów nożem w mieszkaniu.", "kitchen-knives", "death"),
        ("cs", "Policie: žena zemřela po útoku nožem.", "kitchen-knives", "death"),
        ("ru", "Наводнение разрушило дом, стиральная машина уплыла.", "washing-machine", "accident"),
        (
            "en",
            "Missiles hit the town and soldiers searched the house with the baby monitor.",
            "baby-monitor",
            "war",
        ),
    ],
)
def test_sensitive_topics_block_with_the_category_as_reason(linker, lang, text, offer, category):
    result = linker.scan(text, lang=lang)
    assert offer not in linked(result)
    reasons = " ".join(blocked_reasons(result, offer))
    assert "sensitive:" in reasons or "document:tragedy" in reasons
    assert category.split("_")[0] in reasons or "tragedy" in reasons


@pytest.mark.parametrize(
    "text,offer",
    [
        ("Before cleaning, kill the power to the router at the wall socket.", "router"),
        ("The fridge is dead silent, and the smartphone app shows the temperature.", "smartphone"),
        ("This knife set is a killer deal for any home chef.", "kitchen-knives"),
        ("Fire up the grill: our gas grill heats in five minutes.", "grill"),
        ("Home insurance protects against fire and theft.", "home-insurance"),
        ("Accidental damage is covered by the extended warranty.", "extended-warranty"),
    ],
)
def test_benign_idioms_do_not_block(linker, text, offer):
    assert offer in linked(linker.scan(text, lang="en"))


def test_a_sensitive_paragraph_blocks_only_itself(linker):
    text = (
        "Our washing machine filter is easy to reach.\n\n"
        "Storms can bring flooding, so keep valuables high.\n\n"
        "A router placed high gives a better signal."
    )
    result = linker.scan(text, lang="en")
    assert {"washing-machine", "router"} <= linked(result)


def test_a_tragedy_story_gets_no_links_at_all(linker):
    text = (
        "Last winter a family died in a house fire.\n\n"
        "Neighbours said the smoke was visible from far away.\n\n"
        "The washing machine in the basement was all that survived."
    )
    result = linker.scan(text, lang="en")
    assert result.links == []
    assert any("document:tragedy" in r for r in blocked_reasons(result, "washing-machine"))


@pytest.mark.parametrize(
    "lang,text,offer",
    [
        ("en", "You do not need an extended warranty for this model.", "extended-warranty"),
        ("en", "We never recommend travel insurance from the airport desk.", "travel-insurance"),
        ("en", "Buying an extended warranty is a waste of money.", "extended-warranty"),
        ("pl", "Nie potrzebujesz przedłużonej gwarancji na ten model.", "extended-warranty"),
        ("cs", "Prodlouženou záruku na tento model nepotřebujete.", "extended-warranty"),
        ("ru", "Расширенная гарантия вам не нужна.", "extended-warranty"),
    ],
)
def test_negation_and_rejection_block_the_sentence(linker, lang, text, offer):
    result = linker.scan(text, lang=lang)
    assert offer not in linked(result)
    assert any(r.startswith("negation:") for r in blocked_reasons(result, offer))


def test_negation_elsewhere_does_not_block(linker):
    text = "Don't forget to clean the filter of your washing machine."
    assert "washing-machine" in linked(linker.scan(text, lang="en"))


@pytest.mark.parametrize(
    "lang,text,offer",
    [
        ("en", "Complaint: my washing machine broke down AGAIN and I want my money back!", "washing-machine"),
        ("pl", "Reklamacja: pralka znowu się zepsuła, żądam zwrotu pieniędzy!", "washing-machine"),
        ("cs", "Reklamace: kávovar se zase rozbil, chci vrácení peněz!", "coffee-machine"),
        ("ru", "Безобразие! Роутер опять сломался, верните деньги!", "router"),
    ],
)
def test_complaints_block_the_sentence(linker, lang, text, offer):
    result = linker.scan(text, lang=lang)
    assert offer not in linked(result)
    assert any(r.startswith("complaint:") for r in blocked_reasons(result, offer))


def test_a_plain_fault_report_is_not_a_complaint(linker):
    text = "If your washing machine stops working, check the fuse first."
    assert "washing-machine" in linked(linker.scan(text, lang="en"))


@pytest.mark.parametrize(
    "lang,text",
    [
        ("en", "A mouse chewed the cables in the attic."),
        ("pl", "Mysz pogryzła kable w piwnicy."),
        ("cs", "Myš prokousala kabel ve sklepě."),
        ("ru", "Мышь прогрызла провод в подвале."),
    ],
)
def test_required_context_decides_the_sense(linker, lang, text):
    result = linker.scan(text, lang=lang)
    assert "mouse" not in linked(result)
    assert any(r.startswith("sense:") for r in blocked_reasons(result, "mouse"))


def test_required_context_present_links(linker):
    assert "mouse" in linked(linker.scan("A wireless mouse works with any laptop.", lang="en"))


def test_excluded_context_blocks():
    offers = [
        {
            "id": "mouse",
            "url": "https://shop.example.com/mice",
            "phrases": {"en": ["mouse"]},
            "exclude_context": {"en": ["trap", "pest"]},
        }
    ]
    result = Linker(offers).scan("Put the mouse trap behind the fridge.", lang="en")
    assert result.links == [] and "sense:excluded context (trap)" in map(str, result.blocked[0].reasons)


@pytest.mark.parametrize(
    "lang,text",
    [
        ("en", "This fucking washing machine is fine."),
        ("pl", "Kurwa, ta pralka jest świetna."),
        ("cs", "Ta pračka je hovno, ale funguje."),
        ("ru", "Эта стиральная машина охуительно работает."),
    ],
)
def test_brand_safety_floor_blocks_the_whole_document(linker, lang, text):
    result = linker.scan(text, lang=lang)
    assert result.links == []
    assert any(r.startswith("brand-safety:") for b in result.blocked for r in map(str, b.reasons))


def test_policy_caps_links_and_links_each_offer_once(offers):
    text = (
        "Router, washing machine, coffee machine and travel insurance. "
        "Another router, another washing machine."
    )
    result = Linker(offers, Policy(max_links=2)).scan(text, lang="en")
    assert [link.offer for link in result.links] == ["router", "washing-machine"]
    assert any("policy:max links" in r for b in result.blocked for r in map(str, b.reasons))


def test_the_first_suitable_occurrence_is_linked(linker):
    text = "You do not need a router from us.\n\nA router placed high gives a better signal."
    result = linker.scan(text, lang="en")
    assert len(result.links) == 1 and result.links[0].start > text.index("\n\n")


def test_checks_can_be_switched_off_by_policy(offers):
    text = "You do not need an extended warranty."
    policy = Policy(checks=("brand_safety", "tragedy", "sensitive_topic", "position", "sense", "complaint"))
    assert "extended-warranty" in linked(Linker(offers, policy).scan(text, lang="en"))


def test_the_page_level_tragedy_names_its_topics_as_data(linker):
    text = "He took his own life last spring.\n\nThe washing machine in the basement still works."
    result = linker.scan(text, lang="en")
    tragedy = [
        r for b in result.blocked if b.offer == "washing-machine" for r in b.reasons if r.kind == "tragedy"
    ]
    assert tragedy and tragedy[0].params["kinds"] == ["self_harm"]
    assert str(tragedy[0]) == "document:tragedy (took his own life)"  # the code form is unchanged
    fire = "Last winter a family died in a house fire.\n\nThe washing machine in the basement survived."
    kinds = [
        r.params["kinds"]
        for b in linker.scan(fire, lang="en").blocked
        for r in b.reasons
        if r.kind == "tragedy"
    ]
    assert kinds and "death_injury" in kinds[0] and "self_harm" not in kinds[0]

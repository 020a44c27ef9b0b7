"""Rules of marketers' overrides that need no database: hard blocks, justifications, rescan match."""

from types import SimpleNamespace

import pytest

from knowledge_base.errors import FieldError
from linker.reasons import Reason, with_words
from portal.marketing import overrides


def test_hard_blocks_are_the_floor_self_harm_and_places_links_cannot_go():
    hard = [
        Reason("brand-safety", "blocklist", ("acme",), {"kinds": ["blocklist"]}),
        with_words("sensitive", "self_harm", ["kill myself"]),
        with_words("context", "self_harm", ["end it"]),
        with_words("sensitive", "graphic_violence", ["gore"]),
        Reason("position", "inside", (), {"zone": "h2"}),
        Reason("policy", "max links", (), {"max_links": 10}),
        "brand-safety:obscenity (x)",  # an older stored code string
    ]
    for reason in hard:
        assert overrides.hard_block([reason]) is not None, reason
    soft = [
        with_words("document", "tragedy", ["died"]),
        with_words("sensitive", "accident_disaster", ["fire"]),
        with_words("negation", "rejects", ["never buy"]),
        with_words("context", "complaint_anger", ["done"]),
        with_words("sense", "other sense", ["river"]),
    ]
    assert overrides.hard_block(soft) is None
    assert overrides.hard_block([*soft, hard[1]]) is not None  # one hard reason is enough


def test_a_page_level_tragedy_of_self_harm_abuse_or_graphic_violence_is_hard():
    for kind in ("self_harm", "abuse", "graphic_violence"):
        reason = Reason("document", "tragedy", ("x",), {"kinds": ["death_injury", kind]}, "tragedy")
        assert overrides.hard_block([reason]) is not None, kind
        assert overrides.hard_block([reason.to_dict()]) is not None, kind  # as stored
        assert overrides.page_hard_block([reason.to_dict()]) is overrides.PAGE_HARD, kind
    death = Reason("document", "tragedy", ("died",), {"kinds": ["death_injury", "war_terrorism"]}, "tragedy")
    assert overrides.hard_block([death]) is None and overrides.page_hard_block([death.to_dict()]) is None
    assert overrides.page_hard_block(["document:tragedy", "sensitive:death_injury"]) is None
    assert overrides.page_hard_block(["sensitive:self_harm"]) is overrides.PAGE_HARD  # a key still works


def test_a_justification_is_required_long_enough_and_not_too_long():
    for bad in (None, "", "   ", "ok fine", "x" * (overrides.JUSTIFICATION_MIN - 1)):
        with pytest.raises(FieldError) as caught:
            overrides.clean_justification(bad)
        assert caught.value.field == "justification"
    with pytest.raises(FieldError):
        overrides.clean_justification("y" * (overrides.JUSTIFICATION_MAX + 1))
    text = "  The article is about   fire safety;\n the washer is the fix.  "
    assert overrides.clean_justification(text) == "The article is about fire safety; the washer is the fix."


def test_an_override_applies_only_to_reasons_it_covered_and_never_to_hard_ones():
    record = SimpleNamespace(reason_keys=["document:tragedy", "sensitive:death_injury"])
    assert overrides.applies(record, ["document:tragedy"])
    assert overrides.applies(record, ["document:tragedy", "sensitive:death_injury"])
    assert not overrides.applies(record, ["document:tragedy", "negation:rejects"])  # never judged
    assert not overrides.applies(None, ["document:tragedy"])
    hard = SimpleNamespace(reason_keys=["brand-safety:blocklist"])
    assert not overrides.applies(hard, ["brand-safety:blocklist"])
    assert not overrides.applies(record, [])  # a blocked candidate without reasons matches nothing
    assert not overrides.applies(SimpleNamespace(reason_keys=[]), [])
    assert not overrides.applies(SimpleNamespace(reason_keys=None), [])
    self_harm = Reason("document", "tragedy", ("took his own life",), {"kinds": ["self_harm"]}, "tragedy")
    assert not overrides.applies(record, [self_harm.to_dict()])  # the same key, now a hard topic


def test_reason_keys_are_code_and_kind_once_each():
    reasons = [
        with_words("negation", "rejects", ["never"]).to_dict(),
        with_words("negation", "rejects", ["not"]).to_dict(),
        "document:tragedy (died)",
    ]
    assert overrides.reason_keys(reasons) == ["negation:rejects", "document:tragedy"]

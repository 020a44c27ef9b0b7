"""Every reason code the linker can emit reads as a translated sentence on the review page."""

import json
import re
from pathlib import Path

import pytest

from linker import Linker, load_offers
from linker.html import FORBIDDEN
from portal.marketing.reasons import explain
from portal.models import LinkSuggestion, SuggestionState
from tests.integration.marketing_helpers import article_with_suggestions

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
LINKER_SOURCES = [*sorted((ROOT / "linker").glob("*.py")), *sorted((ROOT / "linker" / "checks").glob("*.py"))]
#: A reason in the linker's source: a code string "family:..." (warnings, a check's plain strings)
#: or the code of a Reason built there: Reason("family", ...) / with_words("family", ...).
REASON_LITERAL = re.compile(r"""(?:\[|append\(|reason = |cap = |\(|,)\s*f?"([a-z-]+):""")
REASON_DATA = re.compile(r'(?:Reason|with_words)\(\s*"([a-z-]+)"')

#: One example of every reason shape the linker's source builds (see linker/checks, core, evidence).
EXAMPLES = [
    "brand-safety:obscenity (damn)",
    "brand-safety:blocklist (knife); graphic_violence (gore)",
    "document:tragedy (killed, fire)",
    "document:language mismatch (tagged en, the text is Polish); no links",
    "document:language German (de) is not supported (only en, pl, cs, ru); no links",
    "complaint:angry or complaining (scandal, refund)",
    "sarcasm:praise meets a failure (brilliant, again)",
    "context:death_injury (survive, lorry)",
    "context:sarcasm (wonderful, again)",
    "negation:no before the product",
    "negation:dismissive (waste of money)",
    "negation:rejects (do not … need)",
    "position:match crosses markup",
    "sense:excluded context (trap)",
    "sense:no required context in the paragraph (computer, usb…)",
    "sense:other sense 'animal', not 'computer' (cat, cheese)",
    "policy:max links per document (3); later candidates not examined",
    "match:lemma 'washing machine'",
    "checks:all passed",
]


def sensitive_categories() -> set[str]:
    found = set()
    for table in (ROOT / "linker" / "data").glob("*/sensitive.tsv"):
        for line in table.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                found.add(line.split("\t")[0])
    return found


def test_every_reason_family_in_the_linker_source_has_an_example():
    families = set()
    for source in LINKER_SOURCES:
        text = source.read_text(encoding="utf-8")
        families |= set(REASON_LITERAL.findall(text)) | set(REASON_DATA.findall(text))
    families -= {"linker", "family"}  # the command line's error prefix; a docstring's example
    assert families == {e.split(":")[0] for e in EXAMPLES} | {"sensitive", "position"}


@pytest.mark.parametrize("code", EXAMPLES)
def test_each_reason_shape_has_a_sentence(app, code):
    with app.test_request_context():
        assert explain(code).known, code


@pytest.mark.parametrize("category", sorted(sensitive_categories()))
def test_each_sensitive_topic_has_a_sentence(app, category):
    with app.test_request_context():
        why = explain(f"sensitive:{category} (word)")
    assert why.known and why.evidence == "word"


@pytest.mark.parametrize("zone", sorted(FORBIDDEN | {"markup"}))
def test_each_forbidden_zone_has_a_sentence(app, zone):
    with app.test_request_context():
        assert explain(f"position:inside <{zone}>").known


def test_an_unknown_code_is_shown_as_it_is(app):
    with app.test_request_context():
        why = explain("future:something new")
    assert not why.known and why.sentence == "future:something new"


@pytest.fixture(scope="module")
def scanned_reasons():
    """Every reason the linker gives on the evaluation cases and on HTML with every forbidden zone."""
    linker = Linker(load_offers(DATA / "offers.json"))
    reasons = set()
    for line in (DATA / "linker_cases.jsonl").read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        if "html" in case:
            result = linker.scan_html(case["html"], lang=case.get("lang"))
        else:
            result = linker.scan(case["text"], lang=case.get("lang"))
        reasons |= {r for item in [*result.links, *result.blocked] for r in item.reasons}
    sample = "a wireless computer mouse for the laptop"
    zones = "".join(f"<{z}>{sample}</{z}>" for z in ("h2", "code", "blockquote"))
    result = linker.scan_html(f"<p>{zones}</p>", lang="en")
    reasons |= {r for item in [*result.links, *result.blocked] for r in item.reasons}
    return reasons


def test_every_reason_the_linker_gave_reads_as_a_sentence(app, scanned_reasons):
    assert len(scanned_reasons) > 10
    with app.test_request_context():
        unexplained = [code for code in scanned_reasons if not explain(code).known]
    assert unexplained == []


def test_review_page_shows_the_reason_in_the_readers_language(app, db, users, client_as):
    body = (
        "A storm flooded the street and vandals broke the washing machine in the laundry.\n\n"
        "Place the router high."
    )
    article_with_suggestions(app, db, body=body)
    users["marketer"].locale = "pl"
    db.commit()
    blocked = db.query(LinkSuggestion).filter_by(state=SuggestionState.BLOCKED).all()
    stored = [(r["code"], r["kind"]) for s in blocked for r in s.reasons]  # reasons are stored as data
    assert ("sensitive", "accident_disaster") in stored
    html = client_as("marketer").get("/marketing/suggestions?state=blocked").get_data(as_text=True)
    assert "W tym akapicie jest mowa o wypadku, katastrofie, burzy, pożarze lub wandalizmie." in html


@pytest.mark.parametrize("category", sorted(sensitive_categories()))
def test_a_page_level_tragedy_names_each_topic_in_plain_words(app, category):
    from linker.reasons import Reason

    reason = Reason("document", "tragedy", ("word",), {"kinds": [category]}, "tragedy").to_dict()
    with app.test_request_context():
        why, generic = explain(reason), explain("document:tragedy (word)")
    assert why.known and why.evidence == "word" and "_" not in why.sentence, why.sentence
    assert why.sentence != generic.sentence  # the topic is named
    assert why.sentence.startswith("The page tells of ") and why.sentence.endswith("no links at all.")


def test_a_page_level_tragedy_of_self_harm_reads_in_the_readers_language(app):
    from flask_babel import force_locale

    from linker.reasons import Reason

    reason = Reason("document", "tragedy", ("took his own life",), {"kinds": ["self_harm"]}, "tragedy")
    with app.test_request_context():
        english = explain(reason).sentence
        with force_locale("pl"):
            polish = explain(reason).sentence
    assert "self-harm or suicide" in english
    assert polish != english and "samookaleczen" in polish

"""The linker's reason codes in plain words, in the reader's language.

The linker explains each decision with a `linker.reasons.Reason`: a code (``sensitive``), a kind
(``accident_disaster``), the words that decided it and parameters; suggestions store it as a dict.
Marketers read a sentence ("An accident, a storm, a fire or vandalism is mentioned in this paragraph")
with the words after it; the one-line code form (``sensitive:accident_disaster (storm, vandals)``)
stays available for people who tune the linker. Suggestions stored before reasons were data hold only
that code form, which is still read here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from linker.reasons import Reason

#: Paragraph topics (linker/data/<lang>/sensitive.tsv) and brand-safety floor keys.
TOPICS = {
    "abuse": _l("Abuse is mentioned in this paragraph."),
    "accident_disaster": _l(
        "An accident, a disaster, a storm, a fire or vandalism is mentioned in this paragraph."
    ),
    "crime_violence": _l("A crime or violence is mentioned in this paragraph."),
    "death_injury": _l("A death or an injury is mentioned in this paragraph."),
    "graphic_violence": _l("Graphic violence is described in this paragraph."),
    "illness_medical": _l("An illness or a medical problem is mentioned in this paragraph."),
    "self_harm": _l("Self-harm or suicide is mentioned in this paragraph."),
    "war_terrorism": _l("War or terrorism is mentioned in this paragraph."),
}
#: Categories of the learned context model (linker/context), read from the candidate's sentence.
CONTEXT = {
    "death_injury": _l("The sentence reads as telling of a death or an injury."),
    "accident_disaster": _l("The sentence reads as telling of an accident or a disaster."),
    "crime_violence": _l("The sentence reads as telling of a crime or violence."),
    "self_harm": _l("The sentence reads as telling of self-harm or suicide."),
    "illness_bereavement": _l("The sentence reads as telling of an illness or a bereavement."),
    "complaint_anger": _l("The sentence reads as a complaint or an angry message."),
    "rejection": _l("The sentence reads as rejecting the product or advising against it."),
    "sarcasm": _l("The sentence reads as sarcasm about a product."),
}
#: The topics of a page-level tragedy (``document:tragedy``, parameter ``kinds``), named in brackets
#: inside its sentence (see `_tragedy`), so they are written as they read on their own (nominative).
TRAGEDY_TOPICS = {
    "abuse": _l("abuse"),
    "accident_disaster": _l("an accident or a disaster"),
    "crime_violence": _l("a crime or violence"),
    "death_injury": _l("a death or an injury"),
    "graphic_violence": _l("graphic violence"),
    "illness_medical": _l("an illness"),
    "self_harm": _l("self-harm or suicide"),
    "war_terrorism": _l("war or terrorism"),
}
FLOOR = {
    "obscenity": _l("The page contains obscene or hateful words, so it gets no links at all."),
    "blocklist": _l("The page contains a term from your blocklist, so it gets no links at all."),
    "graphic_violence": _l("The page describes graphic violence, so it gets no links at all."),
}
#: Elements a link may not stand in (linker/html.py FORBIDDEN), grouped as a reader knows them.
ZONES = {
    **dict.fromkeys(
        ("h1", "h2", "h3", "h4", "h5", "h6"), _l("The word is in a heading; links never go there.")
    ),
    "a": _l("The word is already part of a link."),
    **dict.fromkeys(
        ("code", "pre", "kbd", "samp"), _l("The word is in code or a command; links never go there.")
    ),
    **dict.fromkeys(("blockquote", "q", "cite"), _l("The word is in a quotation; links never go there.")),
    "figcaption": _l("The word is in an image caption; links never go there."),
    **dict.fromkeys(
        ("button", "label", "select", "option", "textarea"),
        _l("The word is on a button or in a form field; links never go there."),
    ),
    **dict.fromkeys(
        ("title", "script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"),
        _l("The word is in the page's hidden or raw text; links never go there."),
    ),
    "markup": _l("The word is in text marked as not to be linked (e.g. customer-written text)."),
}
FAMILIES = {
    "tragedy": _l("The page tells of death, violence or a disaster, so it gets no links at all."),
    "language mismatch": _l(
        "The page is tagged with one language but written in another, so it gets no links."
    ),
    "language": _l("The linker does not support the page's language, so it gets no links."),
    "complaint": _l("The sentence is a complaint or an angry message."),
    "sarcasm": _l("The sentence praises the product while telling of its failure: it reads as sarcasm."),
    "negation_before": _l(
        "The sentence says the reader does not need the product (a “no” or “without” before it)."
    ),
    "dismissive": _l("The sentence dismisses the product as unnecessary."),
    "rejects": _l("The sentence rejects the product or advises against it."),
    "match crosses markup": _l("The matched words are split by formatting, so a link cannot wrap them."),
    "excluded context": _l("A word nearby shows the other meaning of the phrase, not the offer's."),
    "other sense": _l("The words around it show another meaning of the phrase than the offer's."),
    "no required context": _l("Nothing in the paragraph shows the offer's meaning of the phrase."),
    "max links": _l("The page already has as many links as allowed; later places were not examined."),
    "lemma": _l("The offer's phrase matched here, in this grammatical form."),
    "all passed": _l("Every safety and context check passed."),
}


@dataclass(frozen=True)
class Explanation:
    """One reason: the sentence to show, the words that decided it, the raw code, and whether it is known."""

    sentence: str
    evidence: str
    code: str
    known: bool


_ZONE = re.compile(r"^inside <([a-z0-9]+)>$")


def _evidence(detail: str) -> tuple[str, str]:
    """Split "category (word, word)" into ("category", "word, word")."""
    if detail.endswith(")") and "(" in detail:
        head, _, words = detail.partition("(")
        return head.strip(), words[:-1].strip()
    return detail.strip(), ""


def _brand_safety(detail: str) -> tuple[object | None, str]:
    parts = [_evidence(part) for part in detail.split(";") if part.strip()]
    keys = [key for key, _w in parts]
    words = ", ".join(w for _k, w in parts if w)
    known = [key for key in keys if key in FLOOR]
    return (FLOOR[known[0]] if known and len(known) == len(keys) else None), words


def _sentence_for(family: str, detail: str) -> tuple[object | None, str]:
    head, words = _evidence(detail)
    if family == "sensitive":
        return TOPICS.get(head), words
    if family == "context":
        return CONTEXT.get(head), words
    if family == "brand-safety":
        return _brand_safety(detail)
    if family == "document":
        if head.startswith("language mismatch"):
            return FAMILIES["language mismatch"], ""
        if head.startswith("language "):
            return FAMILIES["language"], ""
        return (FAMILIES["tragedy"], words) if head == "tragedy" else (None, words)
    if family == "complaint":
        return FAMILIES["complaint"], words
    if family == "sarcasm":
        return FAMILIES["sarcasm"], words
    if family == "negation":
        if head.endswith("before the product"):
            return FAMILIES["negation_before"], head.removesuffix("before the product").strip()
        return FAMILIES.get(head), words
    if family == "position":
        zone = _ZONE.match(head)
        if zone:  # any other element is a zone only when marked data-nolink
            return ZONES.get(zone.group(1), ZONES["markup"]), ""
        return FAMILIES.get(head), ""
    if family == "sense":
        if head.startswith("other sense"):
            return FAMILIES["other sense"], words
        return FAMILIES.get(head.removesuffix(" in the paragraph")), words.rstrip("…")
    if family == "policy":
        return (FAMILIES["max links"], words) if head.startswith("max links") else (None, words)
    if family == "match":
        return FAMILIES["lemma"], head.removeprefix("lemma").strip(" '")
    if family == "checks":
        return FAMILIES.get(head), ""
    return None, words


#: (code, kind) of a reason -> its sentence, for the families whose kind alone decides it.
BY_KIND = {
    ("document", "tragedy"): FAMILIES["tragedy"],
    ("negation", "before the product"): FAMILIES["negation_before"],
    ("negation", "dismissive"): FAMILIES["dismissive"],
    ("negation", "rejects"): FAMILIES["rejects"],
    ("position", "crosses markup"): FAMILIES["match crosses markup"],
    ("sense", "excluded context"): FAMILIES["excluded context"],
    ("sense", "no required context"): FAMILIES["no required context"],
    ("sense", "other sense"): FAMILIES["other sense"],
    ("policy", "max links"): FAMILIES["max links"],
    ("match", "lemma"): FAMILIES["lemma"],
    ("checks", "all passed"): FAMILIES["all passed"],
    ("sarcasm", "praise meets a failure"): FAMILIES["sarcasm"],
}


def _tragedy(kinds: list[str]) -> object:
    """The page-level tragedy sentence naming its topics (the plain one when none is known)."""
    topics = [str(TRAGEDY_TOPICS[kind]) for kind in dict.fromkeys(kinds) if kind in TRAGEDY_TOPICS]
    if not topics:
        return FAMILIES["tragedy"]
    return _(
        "The page tells of death, violence or a disaster (%(topics)s), so it gets no links at all.",
        topics="; ".join(topics),
    )


def _sentence_of(reason: Reason) -> object | None:
    """The sentence of a reason given as data (no parsing)."""
    if (reason.code, reason.kind) == ("document", "tragedy"):
        return _tragedy(list(reason.params.get("kinds") or []))
    if reason.code == "sensitive":
        return TOPICS.get(reason.kind)
    if reason.code == "brand-safety":
        kinds = reason.params.get("kinds") or [reason.kind]
        return FLOOR[kinds[0]] if all(kind in FLOOR for kind in kinds) else None
    if reason.code == "complaint":
        return FAMILIES["complaint"]
    if reason.code == "context":
        return CONTEXT.get(reason.kind)
    if (reason.code, reason.kind) == ("position", "inside"):
        return ZONES.get(str(reason.params.get("zone", "")), ZONES["markup"])
    return BY_KIND.get((reason.code, reason.kind))


def explain(reason: Mapping[str, Any] | Reason | str) -> Explanation:
    """The plain-words explanation of one linker reason: a Reason, its stored dict, or an older
    stored code string (unknown reasons are shown as they are)."""
    if isinstance(reason, str):
        return _explain_code(reason)
    data = reason if isinstance(reason, Reason) else Reason.from_dict(reason)
    sentence = _sentence_of(data)
    if sentence is None:
        return Explanation(str(data), "", str(data), False)
    return Explanation(str(sentence), ", ".join(data.words), str(data), True)


def _explain_code(code: str) -> Explanation:
    """The explanation of a reason stored in its code form only (suggestions from before reasons
    were data)."""
    family, sep, detail = code.partition(":")
    sentence, words = _sentence_for(family.strip(), detail) if sep else (None, "")
    if sentence is None:
        return Explanation(code, "", code, False)
    return Explanation(str(sentence), words, code, True)

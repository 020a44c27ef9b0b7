"""Shopkeeper's linker: multilingual keyword-to-offer matching with context checks.

    from linker import Linker, Offer
    linker = Linker(offers, policy)          # build once (matchers, pipelines)
    result = linker.scan(text, lang="pl")    # result.links, result.blocked (with reasons)
    phrase_report("cs", "tablet")            # forms an offer phrase matches, and warnings

A plain library: no Flask, no database.
"""

from linker.core import Linker
from linker.errors import LinkerError, OfferError, OffersFileError
from linker.offers import Offer, Policy, load_offers, parse_offers
from linker.phrase_report import PhraseReport, PhraseWarning, phrase_report
from linker.reasons import Reason
from linker.result import Blocked, Link, ScanResult

__all__ = [
    "Blocked",
    "Link",
    "Linker",
    "LinkerError",
    "Offer",
    "OfferError",
    "OffersFileError",
    "PhraseReport",
    "PhraseWarning",
    "Policy",
    "Reason",
    "ScanResult",
    "load_offers",
    "parse_offers",
    "phrase_report",
]

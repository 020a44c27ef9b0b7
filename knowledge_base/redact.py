"""Strip a customer's personal data from text that becomes a public article draft.

Removed: e-mail addresses, phone numbers, order and request numbers (a number after an "order"
word in any portal language, order-like codes such as ORD-12345, request references, and any
other run of five or more digits), and the given personal names (whole words, any case).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

EMAIL_MARK = "[email]"
PHONE_MARK = "[phone]"
NUMBER_MARK = "[number]"
NAME_MARK = "[name]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# "order #123", "order no. A-123", "zamówienie nr 123", "objednávka č. 123", "заказ № 123"
_ORDER_WORDS = r"(?:orders?|zam[óo]wieni\w*|objedn[áa]vk\w*|заказ\w*|invoice|faktur\w*|сч[её]т\w*)"
_ORDER = re.compile(
    _ORDER_WORDS + r"(\s*(?:#|no\.?|nr\.?|number|č\.|číslo|№|n\.)?\s*)[A-Z0-9][A-Z0-9/-]*\d[A-Z0-9/-]*",
    re.IGNORECASE | re.UNICODE,
)
_CODE = re.compile(r"\b(?:[A-Z]{2,5}-)+\d[\d-]{2,}\b")  # ORD-12345, SR-2026-000123
# + or ( optional, then 7+ digits with spaces, dots, dashes or brackets between them
_PHONE = re.compile(r"(?<![\w])\+?\(?\d(?:[\s().-]{0,2}\d){6,14}(?![\w])")
_LONG_NUMBER = re.compile(r"\b\d{5,}\b")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")


def _phone(match: re.Match[str]) -> str:
    """A phone number becomes a mark; a date that looks like one stays."""
    return match.group(0) if _DATE.fullmatch(match.group(0).strip()) else PHONE_MARK


def _names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    words = {w for name in names for w in re.split(r"\s+", name.strip()) if len(w) >= 2}
    if not words:
        return None
    alternatives = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    # the name and its inflected forms (Polish/Czech/Russian endings: "Nowaka", "Novákovi")
    return re.compile(rf"(?<!\w)(?:{alternatives})\w{{0,3}}(?!\w)", re.IGNORECASE | re.UNICODE)


def strip_personal(text: str, names: Iterable[str] = ()) -> str:
    """`text` with e-mail addresses, phone and order numbers and the given names replaced by marks."""
    text = _EMAIL.sub(EMAIL_MARK, text)
    text = _ORDER.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + m.group(1) + NUMBER_MARK, text)
    text = _CODE.sub(NUMBER_MARK, text)
    text = _PHONE.sub(_phone, text)
    text = _LONG_NUMBER.sub(NUMBER_MARK, text)
    pattern = _names_pattern(names)
    return pattern.sub(NAME_MARK, text) if pattern else text

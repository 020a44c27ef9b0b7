"""Strip a customer's personal data from text that becomes a public article draft.

Removed: e-mail addresses, IBANs and bank or card account numbers, phone numbers, order and
request numbers (a number after an "order" word in any portal language, order-like codes such as
ORD-12345, request references, and any other run of five or more digits, even inside a word), and
the given personal names (whole words, any case; names of four or more letters also with a
Polish/Czech/Russian case ending, so "Nowaka" goes but "billing" stays for a customer "Bill").
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
_LONG_NUMBER = re.compile(r"(?<!\d)\d{5,}")
# IBAN: country, check digits, 11-30 letters/digits, printed in groups of four or not at all
_IBAN = re.compile(r"(?<!\w)[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?!\w)")
# a domestic account or card number: 16-34 digits, possibly in groups ("61 1090 1014 0000 ...")
_ACCOUNT = re.compile(r"(?<!\w)\d(?:[ -]?\d){15,33}(?!\w)")
#: Case endings a name of four or more letters may take (pl, cs, ru); shorter names match whole
#: only, since a short stem plus an ending is too often an ordinary word ("Ann" -> "annual").
_NAME_ENDINGS = (
    "a|u|e|y|i|o|ę|ą|ě|ie|em|om|ou|ům|owi|ovi|iem|owie|"
    "а|у|е|ы|и|ю|я|ой|ом|ем|ым|им|ою|ей|ого|ому|ова|ову|ове|овым"
)
MIN_INFLECTED_NAME = 4
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")


def _phone(match: re.Match[str]) -> str:
    """A phone number becomes a mark; a date that looks like one stays."""
    return match.group(0) if _DATE.fullmatch(match.group(0).strip()) else PHONE_MARK


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


def _names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    words = {w for name in names for w in re.split(r"\s+", name.strip()) if len(w) >= 2}
    if not words:
        return None
    long_words = {w for w in words if len(w) >= MIN_INFLECTED_NAME}
    forms = [f"(?:{_alternatives(long_words)})(?:{_NAME_ENDINGS})?"] if long_words else []
    forms += [f"(?:{_alternatives(words)})"]
    return re.compile(rf"(?<!\w)(?:{'|'.join(forms)})(?!\w)", re.IGNORECASE | re.UNICODE)


def strip_personal(text: str, names: Iterable[str] = ()) -> str:
    """`text` with e-mail addresses, phone and order numbers and the given names replaced by marks."""
    text = _EMAIL.sub(EMAIL_MARK, text)
    text = _IBAN.sub(NUMBER_MARK, text)
    text = _ACCOUNT.sub(NUMBER_MARK, text)
    text = _ORDER.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + m.group(1) + NUMBER_MARK, text)
    text = _CODE.sub(NUMBER_MARK, text)
    text = _PHONE.sub(_phone, text)
    text = _LONG_NUMBER.sub(NUMBER_MARK, text)
    pattern = _names_pattern(names)
    return pattern.sub(NAME_MARK, text) if pattern else text

"""Cut quoted history and signatures from a reply, in English, Polish, Czech and Russian.

mail-parser-reply does the heavy lifting (Outlook header blocks, `Dnia … napisał(a):`,
`Dne … napsal(a):`, disclaimers, signatures in en/pl/cs). It has no Russian, and it misses the
attribution lines Gmail and Thunderbird write in Polish, Czech and Russian, so those are cut here
first, by the patterns below.
"""

from __future__ import annotations

import re

from mailparser_reply import EmailMessage
from mailparser_reply.constants import MAIL_LANGUAGES

#: Languages mail-parser-reply is asked to recognise (it has no Russian: see the patterns below).
PARSER_LANGUAGES = ("en", "pl", "cs")

#: "-----Original Message-----" in the four languages (Outlook, older clients).
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(original message|oryginalna wiadomo\w*|p[ůu]vodn[íi] zpr[áa]va|"
    r"исходное сообщение|пересланное сообщение|forwarded message|wiadomo\w* przekazana)\s*-{2,}\s*$",
    re.IGNORECASE,
)
#: First and second line of an Outlook header block: From/Od/От … then Sent/Date/Wysłano/Odesláno/Отправлено.
_HEADER_FROM = re.compile(r"^\s*\**(from|od|от|von|de)\**\s*:", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\s*\**(sent|date|to|subject|wysłano|data|do|temat|odesláno|datum|komu|předmět|"
    r"отправлено|дата|кому|тема)\**\s*:",
    re.IGNORECASE,
)
#: Attribution lines: Gmail `… <addr> napisał(a):`, Thunderbird `W dniu … pisze:`, `… пишет:`.
_ATTRIBUTION = re.compile(
    r"(<[^<>\s@]+@[^<>\s]+>.{0,40}:|"
    r"\b(wrote|napisał\(a\)|napisał|napisała|pisze|napsal\(a\)|napsal|napsala|píše|пишет|написал\(а\)|"
    r"написал|написала)\s*:)\s*$",
    re.IGNORECASE,
)
#: Sign-offs the parser does not know (Russian). The parser's own lists serve en/pl/cs, but only as a
#: whole line ("Thanks," or "Thanks, Jane"): the parser cuts at any line that merely starts with one,
#: so "Thanks, that fixed it." would lose the customer's answer.
#: Polish sign-offs missing from the parser's list (the plural "we greet" of offices and companies).
POLISH_SIGN_OFFS = ("Pozdrawiamy", "Z pozdrowieniami", "Łączę pozdrowienia")
RUSSIAN_SIGN_OFFS = ("С уважением", "С наилучшими пожеланиями", "Всего доброго", "Спасибо заранее", "Спасибо")
_ADDRESS = re.compile(r"<\s*[^<>\s@]+@[^<>\s]+>")
_NAME = r"(?:\s*,?\s*\w[\w.'-]*(?:\s+\w[\w.'-]*){0,2})?"


def _sign_off_pattern() -> re.Pattern[str]:
    openers = [o for lang in PARSER_LANGUAGES for o in MAIL_LANGUAGES[lang].get("signatures", [])]
    openers = [o.rstrip(",. ") for o in [*openers, *POLISH_SIGN_OFFS, *RUSSIAN_SIGN_OFFS]]
    alternatives = "|".join(re.escape(o) for o in sorted(set(openers), key=len, reverse=True))
    return re.compile(rf"^\s*(?:{alternatives})[,.!]?(?P<name>{_NAME})[,.!]?\s*$", re.IGNORECASE)


_SIGN_OFF = _sign_off_pattern()
_DELIMITER = re.compile(r"^(-- ?|__+)$")
_SENT_FROM = re.compile(
    r"^\s*(sent from my|wysłano z|odesláno z|отправлено с|отправлено из|get outlook for)\b.*$", re.IGNORECASE
)
SIGNATURE_MAX_LINES = 6


def _is_quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _next_content(lines: list[str], start: int) -> int:
    index = start
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index


def _is_header_block(lines: list[str], index: int) -> bool:
    return bool(_HEADER_FROM.match(lines[index])) and any(
        _HEADER_NEXT.match(n) for n in lines[index + 1 : index + 4]
    )


def _leading_headers_end(lines: list[str]) -> int:
    """Index after a header block (From/Sent/To/Subject) the mail itself starts with, or 0.

    Some clients and forwarding gateways put the message's own Outlook-style header block above its
    text; with nothing before it, it is not quoted history but a preamble to skip.
    """
    start = _next_content(lines, 0)
    if start >= len(lines) or not _is_header_block(lines, start):
        return 0
    end = start
    while end < len(lines) and lines[end].strip():
        end += 1
    return end


def _history_start(lines: list[str]) -> int | None:
    """Index of the first line of quoted history, or None."""
    for index, line in enumerate(lines):
        if _ORIGINAL_MESSAGE.match(line):
            return index
        if _is_header_block(lines, index):
            return index
        if _is_quoted(line):
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        # Gmail wraps a long attribution line in two; join them, unless the second is one on its own
        # (but always when the first ends inside an address: "… Engine <" + "name@host> wrote:")
        wrapped = bool(following) and (line.rstrip().endswith("<") or not _ATTRIBUTION.search(following))
        for joined, width in (
            (line, 1),
            (line + ("" if line.rstrip().endswith("<") else " ") + following if wrapped else "", 2),
        ):
            if joined and _ATTRIBUTION.search(joined):
                after = _next_content(lines, index + width)
                if after >= len(lines) or _is_quoted(lines[after]):
                    return index
                # Clients that quote without ">" (Gmail/Outlook plain-text history, mobile apps): an
                # attribution naming an address, after some text of the reply, still starts history
                if index > 0 and _ADDRESS.search(joined) and any(n.strip() for n in lines[:index]):
                    return index
    # a trailing block of `>` lines with nothing after it is history too
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    start = end
    while start and (_is_quoted(lines[start - 1]) or not lines[start - 1].strip()):
        start -= 1
    if start < end and start > 0:
        return start
    return None


def _bottom_posted(lines: list[str]) -> list[str]:
    """The text below the quote of a bottom-posted reply (attribution, `>` lines, then the answer).

    Empty when the quote is not followed by unquoted text.
    """
    last_quoted = max((i for i, line in enumerate(lines) if _is_quoted(line)), default=None)
    if last_quoted is None:
        return []
    return lines[last_quoted + 1 :]


def _looks_like_name(text: str) -> bool:
    """Empty or capitalised words ("Jane", "Jan Kowalski"): a sign-off, not a sentence."""
    words = re.findall(r"\w[\w.'-]*", text)
    return all(word[0].isupper() for word in words)


#: A dash signature as the last line after a blank one: "-Abhishek Kona", "— Jan".
_DASH_NAME = re.compile(r"^\s*[-–—]\s?(?P<name>\w[\w.'-]*(?:\s+\w[\w.'-]*){0,2})\s*$")


def _cut_dash_name(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    if end >= 3 and not lines[end - 2].strip():
        found = _DASH_NAME.match(lines[end - 1])
        if found and _looks_like_name(found.group("name")):
            return lines[: end - 1]
    return lines


def _cut_signature(lines: list[str]) -> list[str]:
    lines = _cut_dash_name(lines)
    for index, line in enumerate(lines):
        if _SENT_FROM.match(line):
            return lines[:index]
        if index == 0 or len(lines) - index - 1 > SIGNATURE_MAX_LINES:
            continue
        if _DELIMITER.match(line.strip()):
            return lines[:index]
        found = _SIGN_OFF.match(line)
        if found and _looks_like_name(found.group("name")):
            return lines[:index]
    return lines


def latest_reply(text: str) -> str:
    """The new part of a reply: quoted history, attribution lines and signatures removed.

    Falls back to the whole text when cutting would leave nothing (a mail that is all quote).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    lines = text.split("\n")
    lines = lines[_leading_headers_end(lines) :]
    start = _history_start(lines)
    if start is not None:
        before = lines[:start]
        lines = before if any(line.strip() for line in before) else _bottom_posted(lines[start:])
    lines = _cut_signature(lines)
    own_cut = "\n".join(lines).strip()
    parsed = EmailMessage(text=own_cut, languages=list(PARSER_LANGUAGES), keep_hyphen_lists=True).read()
    reply = parsed.replies[0].content.strip() if parsed.replies else ""
    return reply or own_cut or text

"""One raw message to what ingestion needs: addresses, subject, thread headers, clean text, files."""

from __future__ import annotations

import codecs
import email
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from email import errors as mail_errors
from email.message import Message
from email.utils import getaddresses, parseaddr

from portal.mail_in.html_text import html_to_text
from portal.mail_in.quotes import latest_reply

#: Defects after which we cannot trust that we read the whole message: quarantine, never guess.
FATAL_DEFECTS = (
    mail_errors.NoBoundaryInMultipartDefect,
    mail_errors.StartBoundaryNotFoundDefect,
    mail_errors.CloseBoundaryNotFoundDefect,
    mail_errors.MultipartInvariantViolationDefect,
    mail_errors.InvalidBase64CharactersDefect,
    mail_errors.InvalidBase64LengthDefect,
)
#: Charsets we try, in order, when a part declares none (or a wrong one) and is not UTF-8.
FALLBACK_CHARSETS = ("windows-1250", "iso-8859-2", "koi8-r", "windows-1251")
MESSAGE_ID_MAX = 255
#: Hostile shapes (a bomb of nested or countless parts) are quarantined before anything walks them.
MAX_DEPTH = 25
MAX_PARTS = 500
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")


def _legacy_handler(charset: str):
    def handler(error: UnicodeError) -> tuple[str, int]:
        """Read bytes that are not valid UTF-8 in a legacy charset (Latin-1 where it has no character)."""
        assert isinstance(error, UnicodeDecodeError)
        bad = error.object[error.start : error.end]
        text = "".join(bytes([b]).decode(charset, errors="ignore") or chr(b) for b in bad)
        return text, error.end

    return handler


#: UTF-8 with stray legacy bytes: the usual culprits are windows-1250 (Polish, Czech) and
#: windows-1251 (Russian), picked by the script of the valid text around them.
_STRAY_HANDLERS = {"windows-1250": "mailin-stray-1250", "windows-1251": "mailin-stray-1251"}
for _charset, _name in _STRAY_HANDLERS.items():
    codecs.register_error(_name, _legacy_handler(_charset))
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN_EXTENDED = re.compile(r"[\u00c0-\u024f]")


def _stray_bytes_handler(data: bytes) -> str:
    valid = data.decode("utf-8", errors="ignore")
    cyrillic = len(_CYRILLIC.findall(valid)) > len(_LATIN_EXTENDED.findall(valid))
    return _STRAY_HANDLERS["windows-1251" if cyrillic else "windows-1250"]


class MailParseError(ValueError):
    """The message cannot be read reliably; the reason goes to the quarantine."""


@dataclass(frozen=True)
class MailFile:
    """An attachment or inline image as it came in the mail."""

    filename: str
    data: bytes
    inline: bool = False


@dataclass
class ParsedMail:
    """What ingestion needs from one message."""

    message_id: str
    sender: str
    sender_name: str
    recipients: list[str]
    subject: str
    in_reply_to: str
    references: str
    text: str
    reply_text: str
    files: list[MailFile] = field(default_factory=list)
    message: Message | None = None

    def header(self, name: str) -> str:
        """A header's value as text ('' when missing or unreadable)."""
        return _header(self.message, name) if self.message is not None else ""


def decode_text(data: bytes, charset: str | None) -> str:
    """Bytes of a text part as text, whatever charset they claim or really have.

    The declared charset first; then UTF-8; then legacy charsets; UTF-8 with a few broken bytes
    keeps every valid character and reads the stray bytes as windows-1250 or -1251 (nothing is dropped).
    """
    if charset:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # mostly valid UTF-8 with a few stray bytes; a "utf-8" label alone proves nothing (mislabelled
        # koi8-r or windows-1250 text is common and would otherwise come out as mojibake)
        if _valid_utf8_share(data) > 0.5 or exc.start > len(data) // 2:
            return data.decode("utf-8", errors=_stray_bytes_handler(data))
    return _guess_legacy(data)


def _is_utf8_name(charset: str) -> bool:
    try:
        return codecs.lookup(charset).name == "utf-8"
    except LookupError:
        return False


def _valid_utf8_share(data: bytes) -> float:
    """Share of non-ASCII bytes that belong to valid UTF-8 sequences."""
    high = sum(1 for b in data if b >= 0x80)
    if not high:
        return 1.0
    cleaned = data.decode("utf-8", errors="ignore").encode("utf-8")
    return sum(1 for b in cleaned if b >= 0x80) / high


def _guess_legacy(data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(FALLBACK_CHARSETS)).best()
    if best is not None:
        return str(best)
    return data.decode("windows-1250", errors="replace")


def _header(message: Message | None, name: str) -> str:
    if message is None:
        return ""
    try:
        value = message.get(name)
    except (ValueError, TypeError, IndexError, LookupError):
        raw = message.get_all(name, failobj=[]) if hasattr(message, "get_all") else []
        value = raw[0] if raw else None
    if value is None:
        return ""
    text = str(value)
    if "\ufffd" in text:  # raw 8-bit bytes in the header (no RFC 2047): read them like a body
        text = _raw_header(message, name) or text
    # an encoded word may decode to NUL (=?utf-8?b?aGkAdGhlcmU=?=): PostgreSQL refuses it in text
    return " ".join(text.replace("\x00", "").split())


def _raw_header(message: Message, name: str) -> str:
    """The first `name` header's undecoded source, read as legacy-charset text ('' when absent)."""
    for key, source in message.raw_items():
        if key.lower() == name.lower() and isinstance(source, str):
            data = source.encode("ascii", errors="surrogateescape")
            if any(b >= 0x80 for b in data):
                return decode_text(data, None)
    return ""


def _message_id(message: Message, raw: bytes) -> str:
    """The Message-ID, or a stable one made from the bytes (so a re-delivery is still a duplicate)."""
    found = _MESSAGE_ID.search(_header(message, "Message-ID"))
    if found and len(found.group(0)) <= MESSAGE_ID_MAX:
        return found.group(0)
    return f"<sha256.{hashlib.sha256(raw).hexdigest()[:40]}@no-message-id.invalid>"


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    return decode_text(payload, part.get_content_charset())


def _walk(message: Message) -> tuple[list[str], list[str], list[MailFile]]:
    """Plain and HTML bodies, and files: every part that is not the message's own text."""
    plain: list[str] = []
    html: list[str] = []
    files: list[MailFile] = []
    for part in message.walk():
        if part.is_multipart() or part.get_content_type() in ("message/rfc822", "message/delivery-status"):
            continue
        disposition = (part.get_content_disposition() or "").lower()
        filename = part.get_filename()
        content_type = part.get_content_type()
        if disposition != "attachment" and not filename and content_type == "text/plain":
            plain.append(_part_text(part))
        elif disposition != "attachment" and not filename and content_type == "text/html":
            html.append(_part_text(part))
        else:
            data = part.get_payload(decode=True)
            if isinstance(data, bytes) and data:
                name = filename or _default_name(part)
                files.append(MailFile(filename=name, data=data, inline=disposition != "attachment"))
    return plain, html, files


def _default_name(part: Message) -> str:
    subtype = part.get_content_subtype() or "bin"
    content_id = (part.get("Content-ID") or "").strip("<> ").split("@")[0]
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", content_id)[:40] or "inline"
    return f"{stem}.{subtype}"


def _shape_reason(message: Message) -> str | None:
    """Why the MIME tree is too deep or too wide to read (walked without recursion), else None."""
    stack, parts = [(message, 0)], 0
    while stack:
        part, depth = stack.pop()
        parts += 1
        if depth > MAX_DEPTH:
            return f"MIME parts nested deeper than {MAX_DEPTH} levels."
        if parts > MAX_PARTS:
            return f"More than {MAX_PARTS} MIME parts."
        payload = part.get_payload() if part.is_multipart() else None
        if isinstance(payload, list):
            stack.extend((child, depth + 1) for child in payload if isinstance(child, Message))
    return None


def _defect_reason(message: Message) -> str | None:
    for part in message.walk():
        for defect in getattr(part, "defects", []):
            if isinstance(defect, FATAL_DEFECTS):
                return f"Broken MIME structure: {type(defect).__name__}"
    return None


def parse_mail(raw: bytes) -> ParsedMail:
    """Read one RFC 5322 message; raise MailParseError when it cannot be read reliably."""
    if not raw.strip():
        raise MailParseError("The message is empty.")
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
    except Exception as exc:  # the parser is lenient; anything it still raises is a broken message
        raise MailParseError(f"Unreadable message: {type(exc).__name__}: {exc}") from exc
    reason = _shape_reason(message) or _defect_reason(message)
    if reason:
        raise MailParseError(reason)
    try:
        name, address = parseaddr(_header(message, "From"))
    except (ValueError, TypeError, IndexError, LookupError) as exc:  # e.g. an encoded CR/LF in the name
        raise MailParseError(f"Unreadable sender (From): {type(exc).__name__}: {exc}") from exc
    if "@" not in address:
        raise MailParseError("The message has no sender address (From).")
    try:
        plain, html, files = _walk(message)
    except (LookupError, ValueError, AssertionError) as exc:
        raise MailParseError(f"Unreadable body: {type(exc).__name__}: {exc}") from exc
    text = "\n\n".join(t.strip() for t in plain if t.strip())
    if not text and html:
        text = "\n\n".join(html_to_text(h) for h in html).strip()
    text = text.replace("\r\n", "\n").replace("\x00", "")
    recipients = [
        a.lower() for _n, a in getaddresses([_header(message, h) for h in ("To", "Cc", "Delivered-To")])
    ]
    return ParsedMail(
        message_id=_message_id(message, raw),
        sender=address.strip().lower(),
        sender_name=name.strip(),
        recipients=[r for r in recipients if "@" in r],
        subject=_header(message, "Subject"),
        in_reply_to=_header(message, "In-Reply-To"),
        references=_header(message, "References"),
        text=text,
        reply_text=latest_reply(text) if text else "",
        files=files,
        message=message,
    )

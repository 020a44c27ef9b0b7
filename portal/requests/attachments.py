"""Attachments: type checked by content, size limits, random storage names, safe names."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask_babel import lazy_gettext as _l

from knowledge_base.errors import FieldError

#: The content types we accept, each with the one extension files of that type are stored
#: and downloaded under (never the uploader's).
ALLOWED_TYPES = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
}
NAME_MAX = 255
#: Control, format (bidi overrides, zero-width), line and paragraph separator characters.
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp"})
_UNSAFE_STEM = re.compile(r"[^A-Za-z0-9_-]+")
STEM_MAX = 60


@dataclass(frozen=True)
class Upload:
    """A file as received: its name and its bytes."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class UploadLimits:
    """How many files and bytes one request may carry."""

    max_files: int
    max_file_bytes: int
    max_total_bytes: int


def sniff(data: bytes) -> str | None:
    """The content type the bytes really have, or None if it is not one we accept."""
    kind = filetype.guess(data[:8192])
    if kind is not None:
        return kind.mime if kind.mime in ALLOWED_TYPES else None
    sample = data[:8192]
    if b"\x00" in sample:
        return None
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # a cut multi-byte character at the end is fine
            return None
    return "text/plain"


def clean_name(name: str) -> str:
    """`name` without control, bidi and other invisible characters, trimmed (for storing and showing)."""
    visible = "".join(c for c in name if unicodedata.category(c) not in _INVISIBLE)
    return unicodedata.normalize("NFC", visible).strip()


def check_name(name: str) -> str:
    """Refuse names that try to climb folders; return the cleaned name to store and display."""
    cleaned = clean_name(name)
    if not cleaned or "/" in cleaned or "\\" in cleaned or ".." in cleaned or len(cleaned) > NAME_MAX:
        raise FieldError(_l("The file name %(name)s is not allowed.", name=cleaned[:80]), field="attachments")
    return cleaned


def download_name(original_name: str, content_type: str) -> str:
    """A name safe on any disk: the original stem in a safe alphabet, the extension of the sniffed type."""
    stem = clean_name(original_name).rsplit(".", 1)[0]
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    safe_stem = _UNSAFE_STEM.sub("_", ascii_stem).strip("_-")[:STEM_MAX] or "attachment"
    return safe_stem + ALLOWED_TYPES.get(content_type, ".bin")


def validate(uploads: list[Upload], limits: UploadLimits) -> list[tuple[Upload, str]]:
    """Check every upload; return each with its cleaned name and real content type (or FieldError)."""
    if len(uploads) > limits.max_files:
        raise FieldError(_l("Attach at most %(n)d files.", n=limits.max_files), field="attachments")
    checked, total = [], 0
    for upload in uploads:
        name = check_name(upload.filename)
        size = len(upload.data)
        total += size
        if size > limits.max_file_bytes:
            raise FieldError(
                _l("%(name)s is larger than %(mb)s MB.", name=name, mb=megabytes(limits.max_file_bytes)),
                field="attachments",
            )
        content_type = sniff(upload.data)
        if content_type is None:
            raise FieldError(
                _l("%(name)s is not an accepted file type (photos, PDF or text).", name=name),
                field="attachments",
            )
        checked.append((Upload(name, upload.data), content_type))
    if total > limits.max_total_bytes:
        raise FieldError(
            _l("The attachments add up to more than %(mb)s MB.", mb=megabytes(limits.max_total_bytes)),
            field="attachments",
        )
    return checked


def megabytes(size: int) -> str:
    """A byte limit as the MB figure people configured (10, 2.5)."""
    return f"{size / 1_000_000:g}"


def store(folder: Path, data: bytes, content_type: str) -> str:
    """Write the bytes under a random name and return that name."""
    folder.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + ALLOWED_TYPES[content_type]
    (folder / name).write_bytes(data)
    return name

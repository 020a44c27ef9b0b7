"""Attachments: type checked by content, size limits, random storage names, safe download."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask_babel import lazy_gettext as _l

from portal.requests.errors import RequestError

ALLOWED_TYPES = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
}
MAX_FILES = 5


@dataclass(frozen=True)
class Upload:
    """A file as received: its name and its bytes."""

    filename: str
    data: bytes


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


def check_name(name: str) -> str:
    """Refuse names that try to climb folders; return the name to display."""
    if not name or "/" in name or "\\" in name or ".." in name or "\x00" in name or len(name) > 255:
        raise RequestError(_l("The file name %(name)s is not allowed.", name=name[:80]), field="attachments")
    return name


def validate(uploads: list[Upload], max_file_bytes: int, max_total_bytes: int) -> list[tuple[Upload, str]]:
    """Check every upload and return it with its real content type; raises RequestError."""
    if len(uploads) > MAX_FILES:
        raise RequestError(_l("Attach at most %(n)d files.", n=MAX_FILES), field="attachments")
    checked, total = [], 0
    for upload in uploads:
        check_name(upload.filename)
        size = len(upload.data)
        total += size
        if size > max_file_bytes:
            raise RequestError(
                _l(
                    "%(name)s is larger than %(mb)d MB.", name=upload.filename, mb=max_file_bytes // 1_000_000
                ),
                field="attachments",
            )
        content_type = sniff(upload.data)
        if content_type is None:
            raise RequestError(
                _l("%(name)s is not an accepted file type (photos, PDF or text).", name=upload.filename),
                field="attachments",
            )
        checked.append((upload, content_type))
    if total > max_total_bytes:
        raise RequestError(
            _l("The attachments add up to more than %(mb)d MB.", mb=max_total_bytes // 1_000_000),
            field="attachments",
        )
    return checked


def store(folder: Path, data: bytes, content_type: str) -> str:
    """Write the bytes under a random name and return that name."""
    folder.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + ALLOWED_TYPES[content_type]
    (folder / name).write_bytes(data)
    return name

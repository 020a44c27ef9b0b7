"""Files from mail: the same content checks and limits as uploads; a refused file is named in the text."""

from __future__ import annotations

from flask_babel import gettext as _

from knowledge_base.errors import FieldError
from portal.mail_in.parse import MailFile
from portal.models import Attachment, ServiceRequest, User
from portal.requests import attachments as files
from portal.requests.services import Limits

OVERFLOW_NAME = "message.txt"


def overflow_file(text: str) -> MailFile:
    """The whole text of a mail too long for a message, as a text attachment."""
    return MailFile(filename=OVERFLOW_NAME, data=text.encode("utf-8"))


def _plain_name(name: str) -> str:
    """The last path segment of a mailed file name (mail clients send `C:\\x\\y.pdf` or `../y`)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].replace("..", ".").strip()
    return base or "attachment"


def accept_files(mailed: list[MailFile], limits: files.UploadLimits) -> tuple[list[files.Upload], list[str]]:
    """The files that pass the upload checks and fit the limits, and one note per refused file."""
    accepted: list[files.Upload] = []
    notes: list[str] = []
    total = 0
    single = files.UploadLimits(1, limits.max_file_bytes, limits.max_file_bytes)
    for item in mailed:
        name = _plain_name(item.filename)
        if len(accepted) >= limits.max_files:
            notes.append(
                _("Attachment not accepted: %(name)s (at most %(n)d files).", name=name, n=limits.max_files)
            )
            continue
        try:
            [(upload, _type)] = files.validate([files.Upload(name, item.data)], single)
        except FieldError as exc:
            notes.append(_("Attachment not accepted: %(reason)s", reason=str(exc.message)))
            continue
        if total + len(upload.data) > limits.max_total_bytes:
            notes.append(
                _(
                    "Attachment not accepted: %(name)s (the files add up to more than %(mb)s MB).",
                    name=name,
                    mb=files.megabytes(limits.max_total_bytes),
                )
            )
            continue
        accepted.append(upload)
        total += len(upload.data)
    return accepted, notes


def attach(request: ServiceRequest, uploader: User, uploads: list[files.Upload], limits: Limits) -> None:
    """Store accepted files on a request (replies: the same checks ran in `accept_files`)."""
    for upload, content_type in files.validate(uploads, limits.uploads):
        stored = files.store(limits.attachment_folder, upload.data, content_type)
        request.attachments.append(
            Attachment(
                uploader_id=uploader.id,
                original_name=upload.filename,
                stored_name=stored,
                content_type=content_type,
                size=len(upload.data),
            )
        )

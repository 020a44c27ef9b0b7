"""Article images: checked by content, decoded and re-encoded by Pillow, stored by content hash.

Re-encoding keeps only the pixels: EXIF/GPS metadata, comments and anything appended to the
file (a polyglot's script or archive) are dropped. The declared size is checked before any
pixel is decoded, so a small file that declares huge dimensions (a decompression bomb) is
refused without allocating its memory.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps

from knowledge_base.errors import FieldError
from portal.requests.attachments import megabytes

#: Accepted content types: the Pillow format that must match and the stored extension.
IMAGE_TYPES = {
    "image/png": ("PNG", ".png"),
    "image/jpeg": ("JPEG", ".jpg"),
    "image/webp": ("WEBP", ".webp"),
}
CONTENT_TYPES = {extension: content_type for content_type, (_fmt, extension) in IMAGE_TYPES.items()}
#: Stored names: a content hash and one of our extensions, nothing a path could hide in.
STORED_NAME = re.compile(r"[0-9a-f]{32}\.(png|jpg|webp)")  # use fullmatch: `$` accepts a final "\n"
URL_PREFIX = "/kb/images/"
FIELD = "image"


@dataclass(frozen=True)
class ImageLimits:
    """How large an uploaded image may be: bytes, declared pixels, and the stored longest side."""

    max_bytes: int
    max_pixels: int
    max_side: int


@dataclass(frozen=True)
class ProcessedImage:
    """An image after re-encoding: its bytes, content type and stored size."""

    data: bytes
    content_type: str
    width: int
    height: int

    @property
    def stored_name(self) -> str:
        """The content-addressed file name (the same image uploaded twice is stored once)."""
        return hashlib.sha256(self.data).hexdigest()[:32] + IMAGE_TYPES[self.content_type][1]


def _not_an_image() -> FieldError:
    return FieldError(_l("The file is not a PNG, JPEG or WebP image."), field=FIELD)


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:g}"


def _check_declared_size(image: Image.Image, limits: ImageLimits) -> None:
    """Refuse images whose header declares more pixels than allowed (before decoding any)."""
    width, height = image.size
    if width * height > limits.max_pixels:
        raise FieldError(
            _l(
                "The image declares %(width)d × %(height)d pixels, more than the %(mp)s megapixels allowed.",
                width=width,
                height=height,
                mp=_megapixels(limits.max_pixels),
            ),
            field=FIELD,
        )


def _decode(data: bytes, pillow_format: str, limits: ImageLimits) -> Image.Image:
    """Verify the file's structure, then decode its pixels (FieldError for anything broken)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data), formats=[pillow_format])
            _check_declared_size(probe, limits)
            probe.verify()  # structure and checksums; the image must be reopened afterwards
            image = Image.open(io.BytesIO(data), formats=[pillow_format])
            image.load()
    except FieldError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise FieldError(
            _l(
                "The image declares more pixels than can be decoded safely (at most %(mp)s megapixels).",
                mp=_megapixels(limits.max_pixels),
            ),
            field=FIELD,
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise _not_an_image() from None
    return image


def _encode(image: Image.Image, pillow_format: str) -> bytes:
    """The pixels alone, in `pillow_format`, without metadata."""
    if pillow_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif pillow_format != "JPEG" and image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    out = io.BytesIO()
    options = {"quality": 85, "optimize": True} if pillow_format == "JPEG" else {}
    image.save(out, format=pillow_format, **options)
    return out.getvalue()


def process_image(data: bytes, limits: ImageLimits) -> ProcessedImage:
    """Check an uploaded image and re-encode it, at most `max_side` pixels on its longest side."""
    if len(data) > limits.max_bytes:
        raise FieldError(
            _l("The image is larger than %(mb)s MB.", mb=megabytes(limits.max_bytes)), field=FIELD
        )
    kind = filetype.guess(data[:8192])
    if kind is None or kind.mime not in IMAGE_TYPES:
        raise _not_an_image()
    pillow_format = IMAGE_TYPES[kind.mime][0]
    image = _decode(data, pillow_format, limits)
    image = ImageOps.exif_transpose(image)  # keep the photo upright once its EXIF is gone
    image.thumbnail((limits.max_side, limits.max_side))
    return ProcessedImage(_encode(image, pillow_format), kind.mime, image.width, image.height)


def store_image(folder: Path, image: ProcessedImage) -> str:
    """Write the image under its content-addressed name (once) and return that name."""
    folder.mkdir(parents=True, exist_ok=True)
    name = image.stored_name
    path = folder / name
    if not path.exists():
        _write_atomically(path, image.data)
    return name


def _write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it into place.

    Stored images are served as immutable: a crash mid-write must never leave a truncated file
    under the final name.
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def markdown_reference(name: str, alt: str) -> str:
    """The Markdown that shows a stored image in an article."""
    safe_alt = re.sub(r"[\[\]\r\n]+", " ", alt).strip()
    return f"![{safe_alt}]({URL_PREFIX}{name})"

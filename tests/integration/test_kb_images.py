"""Article images: content checks, re-encoding, limits, same-origin serving, who may upload."""

import io
import struct
import zlib

import pytest
from PIL import Image
from sqlalchemy import select

from knowledge_base.errors import FieldError
from knowledge_base.render import render_markdown
from knowledge_base.sanitize import allowed_image_src
from portal.kb import images
from portal.models import AuditLog
from tests.conftest import csrf_token

LIMITS = images.ImageLimits(max_bytes=2_000_000, max_pixels=20_000_000, max_side=800)


def picture(fmt: str = "PNG", size=(40, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, format=fmt, **save)
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A ~100-byte PNG whose header declares width × height pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def upload(client, data: bytes, filename="photo.png", alt="Router back panel", json=True):
    token = csrf_token(client, "/staff/kb/new")
    headers = {"Accept": "application/json"} if json else {}
    return client.post(
        "/staff/kb/images",
        data={
            "image": (io.BytesIO(data), filename),
            "alt": alt,
            "csrf_token": token,
            "next": "/staff/kb/new",
        },
        content_type="multipart/form-data",
        headers=headers,
    )


@pytest.mark.parametrize("fmt, content_type", [("PNG", "image/png"), ("JPEG", "image/jpeg")])
def test_png_and_jpeg_are_accepted_and_reencoded(app, fmt, content_type):
    with app.test_request_context():
        image = images.process_image(picture(fmt), LIMITS)
    assert image.content_type == content_type and (image.width, image.height) == (40, 30)


def test_reencoding_drops_metadata_and_appended_payloads(app):
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    photo = picture("JPEG", exif=exif.tobytes()) + b"<script>alert(1)</script>"
    with app.test_request_context():
        image = images.process_image(photo, LIMITS)
    assert b"SecretCamera" not in image.data and b"<script>" not in image.data


def test_large_images_are_resized_to_the_longest_side(app):
    with app.test_request_context():
        image = images.process_image(picture("PNG", size=(2000, 1000)), LIMITS)
    assert (image.width, image.height) == (800, 400)


def test_a_text_file_named_png_is_refused(app):
    with app.test_request_context(), pytest.raises(FieldError) as refused:
        images.process_image(b"just some text, not an image\n" * 10, LIMITS)
    assert "not a PNG, JPEG or WebP image" in str(refused.value.message)


def test_a_truncated_png_is_refused(app):
    with app.test_request_context(), pytest.raises(FieldError):
        images.process_image(picture("PNG", size=(300, 300))[:120], LIMITS)


def test_an_oversized_file_is_refused(app):
    small = images.ImageLimits(max_bytes=500, max_pixels=LIMITS.max_pixels, max_side=800)
    with app.test_request_context(), pytest.raises(FieldError) as refused:
        images.process_image(picture("PNG", size=(400, 400)), small)
    assert "larger than" in str(refused.value.message)


def test_a_decompression_bomb_is_refused_before_decoding(app):
    bomb = png_declaring(100_000, 100_000)
    assert len(bomb) < 200
    with app.test_request_context(), pytest.raises(FieldError) as refused:
        images.process_image(bomb, LIMITS)
    assert "megapixels" in str(refused.value.message)


def test_an_image_over_the_configured_pixel_limit_is_refused_with_its_size(app):
    with app.test_request_context(), pytest.raises(FieldError) as refused:
        images.process_image(png_declaring(6000, 4000), LIMITS)
    assert "6000 × 4000" in str(refused.value.message) and "20 megapixels" in str(refused.value.message)


def test_staff_upload_stores_and_serves_the_image_same_origin(client_as, db):
    agent = client_as("agent")
    answer = upload(agent, picture("PNG"))
    assert answer.status_code == 201
    markdown = answer.get_json()["markdown"]
    assert markdown.startswith("![Router back panel](/kb/images/") and markdown.endswith(".png)")
    url = markdown[markdown.index("(") + 1 : -1]
    served = agent.get(url)
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert (
        "immutable" in served.headers["Cache-Control"]
        and "max-age=31536000" in served.headers["Cache-Control"]
    )
    assert Image.open(io.BytesIO(served.data)).size == (40, 30)
    assert (
        db.scalar(select(AuditLog).where(AuditLog.action == "kb.image_uploaded")).target
        == url.rsplit("/", 1)[1]
    )
    assert f'<img src="{url}" alt="Router back panel">' in render_markdown(markdown)


def test_upload_refusals_are_clear(client_as):
    agent = client_as("agent")
    answer = upload(agent, b"%PDF-1.4 not an image", filename="x.png")
    assert answer.status_code == 400 and "not a PNG, JPEG or WebP image" in answer.get_json()["error"]
    bomb = upload(agent, png_declaring(50_000, 50_000))
    assert bomb.status_code == 400 and "megapixels" in bomb.get_json()["error"]


def test_upload_without_script_flashes_the_reference_and_returns_to_the_editor(client_as):
    agent = client_as("agent")
    answer = upload(agent, picture("PNG"), json=False)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/staff/kb/new")
    assert "](/kb/images/" in agent.get("/staff/kb/new").get_data(as_text=True)


def test_oversized_upload_is_refused_by_configured_limit(client_as, app, monkeypatch):
    monkeypatch.setitem(app.config, "KB_IMAGE_MAX_BYTES", 1000)
    answer = upload(client_as("agent"), picture("PNG", size=(500, 500)))
    assert answer.status_code == 400 and "larger than 0.001 MB" in answer.get_json()["error"]


@pytest.mark.parametrize("role", ["customer", "marketer"])
def test_only_article_editors_may_upload(client_as, role):
    assert upload(client_as(role), picture("PNG")).status_code == 403


def test_anonymous_upload_is_sent_to_login(client):
    token = csrf_token(client, "/login")
    answer = client.post("/staff/kb/images", data={"csrf_token": token})
    assert answer.status_code in (302, 401)


@pytest.mark.parametrize(
    "name",
    [
        "../portal.db",
        "x.png",
        "0123456789abcdef0123456789abcdef.svg",
        "..%2f.png",
        "0123456789abcdef0123456789abcdef.png%0A",
        "0123456789abcdef0123456789abcdef.png%0D%0A",
    ],
)
def test_image_route_serves_only_stored_image_names(client, name):
    assert client.get(f"/kb/images/{name}").status_code == 404


def test_image_sources_with_a_trailing_newline_are_not_stored_images():
    stored = "/kb/images/0123456789abcdef0123456789abcdef.png"
    assert allowed_image_src(stored)
    assert not allowed_image_src(stored + "\n")
    assert not images.STORED_NAME.fullmatch(stored.rsplit("/", 1)[1] + "\n")


def test_a_crash_mid_write_leaves_no_image_under_its_final_name(app, tmp_path, monkeypatch):
    with app.test_request_context():
        image = images.process_image(picture("PNG"), LIMITS)

    def crash(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(images.os, "replace", crash)
    with pytest.raises(OSError):
        images.store_image(tmp_path, image)
    assert list(tmp_path.iterdir()) == []  # neither a truncated image nor a left-over temp file
    monkeypatch.undo()
    name = images.store_image(tmp_path, image)
    assert (tmp_path / name).read_bytes() == image.data


def test_external_and_foreign_image_sources_are_stripped():
    html = render_markdown(
        "![track](https://evil.example/pixel.gif) ![x](/static/img/logo.svg) "
        "![ok](/kb/images/0123456789abcdef0123456789abcdef.jpg) ![d](data:image/png;base64,AAAA)"
    )
    assert "evil.example" not in html and "/static/img" not in html and "data:" not in html
    assert '<img src="/kb/images/0123456789abcdef0123456789abcdef.jpg" alt="ok">' in html


def test_uploads_are_rate_limited_per_person(app, client_as, monkeypatch):
    monkeypatch.setitem(app.config, "STAFF_RATE_LIMIT", "2 per minute")
    agent = client_as("agent")
    answers = [upload(agent, picture("PNG", size=(10 + n, 10))).status_code for n in range(3)]
    assert answers == [201, 201, 429]

"""Article images in Chromium: the editor uploads a picture and inserts its Markdown at the cursor."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_editor_uploads_an_image_and_inserts_its_reference(page, users, tmp_path):
    picture = tmp_path / "router.png"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(buffer, format="PNG")
    picture.write_bytes(buffer.getvalue())
    page.goto("/login")
    page.get_by_label("Email").fill("agent@example.com")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/(workspace)?$"))
    page.goto("/staff/kb/new")
    body = page.get_by_label("Text (Markdown)")
    body.fill("Before.")
    page.get_by_label("Image (PNG, JPEG or WebP)").set_input_files(str(picture))
    page.get_by_label("Description of the image (alt text)").fill("Router lights")
    page.get_by_role("button", name="Upload image").click()
    expect(body).to_have_value(re.compile(r"/kb/images/"), timeout=5000)
    assert page.url.endswith("/staff/kb/new")  # stayed in the editor: the typed text is kept
    text = body.input_value()
    assert text.startswith("Before.")
    assert re.search(r"!\[Router lights\]\(/kb/images/[0-9a-f]{32}\.png\)", text)
    url = re.search(r"/kb/images/[0-9a-f]{32}\.png", text).group(0)
    assert page.request.get(url).headers["content-type"] == "image/png"

"""Attachment names: stored without control or bidi characters, downloaded under a safe name.

The extension of a download comes from the sniffed content type, never from the uploader, so
`run.bat`, `x.hta` or `xss.svg` reach an agent's disk as harmless `.txt` files.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.models import Attachment
from portal.requests.attachments import Upload, clean_name, download_name, store
from tests.integration.requests_helpers import catalog, make_request, png_bytes, post_new

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "invoice<RLO>gnp.exe" shows as "invoiceexe.png"


@pytest.mark.parametrize(
    "name,content_type,expected",
    [
        ("run.bat", "text/plain", "run.txt"),
        ("x.hta", "text/plain", "x.txt"),
        ("xss.svg", "text/plain", "xss.txt"),
        ("photo.png", "image/png", "photo.png"),
        ("scan.PDF", "application/pdf", "scan.pdf"),
        (f"invoice{RLO}gnp.exe", "image/png", "invoicegnp.png"),
        ("evil\r\nSet-Cookie: a=b.txt", "text/plain", "evilSet-Cookie_a_b.txt"),
        ("Zdjęcie pralki.jpg", "image/jpeg", "Zdjecie_pralki.jpg"),
        ("стиральная машина.png", "image/png", "attachment.png"),
        ("....", "text/plain", "attachment.txt"),
        ("a" * 200 + ".txt", "text/plain", "a" * 60 + ".txt"),
        ("notes.txt", "application/x-msdownload", "notes.bin"),
    ],
)
def test_download_name_is_safe_alphabet_with_the_sniffed_extension(name, content_type, expected):
    assert download_name(name, content_type) == expected


@pytest.mark.parametrize(
    "name,expected",
    [
        (f"invoice{RLO}gnp.exe", "invoicegnp.exe"),
        ("line\r\nbreak.txt", "linebreak.txt"),
        ("tab\there\u200b.txt", "tabhere.txt"),
        ("sep\u2028arator.txt", "separator.txt"),
        (" Zdjęcie.png ", "Zdjęcie.png"),
    ],
)
def test_stored_names_lose_control_and_bidi_characters(name, expected):
    assert clean_name(name) == expected


def _download(client, attachment_id: int):
    response = client.get(f"/attachments/{attachment_id}")
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    "name,content,shown,saved_as",
    [
        ("run.bat", b"@echo off\r\nformat c:\r\n", "run.bat", "run.txt"),
        ("x.hta", b"<script>alert(1)</script>", "x.hta", "x.txt"),
        ("xss.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "xss.svg", "xss.txt"),
        (f"invoice{RLO}gnp.exe", None, "invoicegnp.exe", "invoicegnp.png"),
        ("a\tb\x1b[31m.txt", b"hello", "ab[31m.txt", "ab_31m.txt"),
    ],
)
def test_uploads_download_under_a_safe_name(client_as, db, users, name, content, shown, saved_as):
    catalog(db)
    db.commit()
    customer = client_as("customer")
    response = post_new(customer, files=[(name, content if content is not None else png_bytes())])
    assert response.status_code == 302
    item = db.scalar(select(Attachment))
    assert item.original_name == shown
    page = customer.get(response.headers["Location"]).get_data(as_text=True)
    assert shown in page and RLO not in page
    for client in (customer, client_as("agent")):
        disposition = _download(client, item.id).headers["Content-Disposition"]
        assert disposition == f"attachment; filename={saved_as}"


def test_line_breaks_in_a_name_are_removed_on_upload(app, client_as, db, users):
    """A crafted multipart body can carry CR/LF in a file name; the service stores it cleaned."""
    catalog(db)
    req = make_request(app, db, users["customer"], uploads=[Upload("a\r\nb.txt", b"hello")])
    assert req.attachments[0].original_name == "ab.txt"
    response = _download(client_as("customer"), req.attachments[0].id)
    assert response.headers["Content-Disposition"] == "attachment; filename=ab.txt"


def test_names_stored_before_the_fix_still_download_and_show_clean(app, client_as, db, users):
    """Rows written by older code may hold CR/LF or bidi characters: no 500, nothing faked."""
    from pathlib import Path

    catalog(db)
    req = make_request(app, db, users["customer"])
    folder = Path(app.config["INSTANCE_PATH"]) / "attachments"
    for bad in ("report\r\n.txt", f"cv{RLO}fdp.hta", "\r\n"):
        db.add(
            Attachment(
                request_id=req.id,
                uploader_id=users["customer"].id,
                original_name=bad,
                stored_name=store(folder, b"plain text", "text/plain"),
                content_type="text/plain",
                size=10,
            )
        )
    db.commit()
    items = db.scalars(select(Attachment).order_by(Attachment.id)).all()
    agent = client_as("agent")
    saved = [_download(agent, item.id).headers["Content-Disposition"] for item in items]
    assert saved == [
        "attachment; filename=report.txt",
        "attachment; filename=cvfdp.txt",
        "attachment; filename=attachment.txt",
    ]
    page = agent.get(f"/staff/requests/{req.reference}").get_data(as_text=True)
    assert "cvfdp.hta" in page and RLO not in page and "report\r\n" not in page
    customer_page = client_as("customer").get(f"/requests/{req.reference}").get_data(as_text=True)
    assert "cvfdp.hta" in customer_page and RLO not in customer_page


def test_a_name_of_only_invisible_characters_is_refused(client_as, db, users):
    catalog(db)
    db.commit()
    html = post_new(client_as("customer"), files=[(f"{RLO}\u200b", b"hello")]).get_data(as_text=True)
    assert "is not allowed" in html
    assert db.scalar(select(Attachment)) is None

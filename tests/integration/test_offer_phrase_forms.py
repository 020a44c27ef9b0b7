"""Issue #17.7 in the console: the offer edit page shows what each phrase will match."""

from sqlalchemy import select

from portal.models import Offer
from tests.conftest import csrf_token


def save(client, phrases: str):
    return client.post(
        "/marketing/offers/new",
        data={
            "code": "rope",
            "title": "Ropes",
            "url": "https://shop.example.com/ropes",
            "phrases": phrases,
            "csrf_token": csrf_token(client, "/marketing/offers/new"),
        },
    )


def test_the_edit_page_lists_forms_and_warns_of_another_reading(client_as, db):
    marketer = client_as("marketer")
    assert save(marketer, "pl: lina\ncs: tablet").status_code == 302
    offer = db.scalar(select(Offer).where(Offer.code == "rope"))
    page = marketer.get(f"/marketing/offers/{offer.id}").get_data(as_text=True)
    assert "Forms each phrase will match" in page
    assert "linę" in page and "liną" in page
    assert "is also a form of lin" in page
    assert "is read as “tableta”" in page


def test_a_form_sent_back_with_an_error_still_shows_the_forms(client_as, db):
    marketer = client_as("marketer")
    page = marketer.post(
        "/marketing/offers/new",
        data={
            "code": "rope",
            "url": "ftp://bad",
            "phrases": "ru: банка",
            "csrf_token": csrf_token(marketer, "/marketing/offers/new"),
        },
    ).get_data(as_text=True)
    assert "банку" in page and "банк" in page


def test_the_warnings_are_translated(client_as, db):
    marketer = client_as("marketer")
    marketer.set_cookie("lang", "pl")
    page = marketer.post(
        "/marketing/offers/new",
        data={"code": "", "phrases": "pl: lina", "csrf_token": csrf_token(marketer, "/marketing/offers/new")},
        headers={"Accept-Language": "pl"},
    ).get_data(as_text=True)
    assert "jest też formą słowa lin" in page and "Formy, które dopasuje każda fraza" in page


def test_no_phrases_no_section(client_as):
    page = client_as("marketer").get("/marketing/offers/new").get_data(as_text=True)
    assert "Forms each phrase will match" not in page

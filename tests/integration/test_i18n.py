"""Language selection and catalog completeness."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import csrf_token

TRANSLATIONS = Path(__file__).resolve().parents[2] / "portal" / "translations"


def test_accept_language_picks_polish(client):
    html = client.get("/", headers={"Accept-Language": "pl-PL,pl;q=0.9"}).get_data(as_text=True)
    assert "W czym możemy pomóc?" in html and 'lang="pl"' in html


def test_picker_overrides_accept_language(client):
    token = csrf_token(client, "/")
    client.post("/language", data={"locale": "cs", "csrf_token": token, "next": "/login"})
    html = client.get("/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Jak vám můžeme pomoci?" in html


def test_users_setting_wins_over_picker_session(client_as, users, db):
    users["customer"].locale = "ru"
    db.commit()
    client = client_as("customer")
    html = client.get("/", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "Чем мы можем помочь?" in html


@pytest.mark.parametrize("locale", ["pl", "cs", "ru"])
def test_catalogs_are_complete(locale):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f)
    missing = [
        m.id
        for m in catalog
        if m.id and (not m.string or m.fuzzy or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    assert missing == []


@pytest.mark.parametrize("locale", ["pl", "cs", "ru"])
def test_compiled_catalogs_match_the_po_files(locale):
    import io

    from babel.messages.mofile import write_mo

    folder = TRANSLATIONS / locale / "LC_MESSAGES"
    with open(folder / "messages.po", "rb") as f:
        catalog = read_po(f)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    assert compiled.getvalue() == (folder / "messages.mo").read_bytes(), "run `make translations`"

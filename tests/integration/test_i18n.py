"""Language selection and catalog completeness."""

import io
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from babel.support import Translations

from portal.translations import catalogs
from tests.conftest import csrf_token

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "portal" / "translations"
TRANSLATED = catalogs.TRANSLATED


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


@pytest.mark.parametrize("locale", TRANSLATED)
def test_catalogs_are_complete(locale):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f)
    missing = [
        m.id
        for m in catalog
        if m.id and (not m.string or m.fuzzy or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    assert missing == []


@pytest.fixture(scope="module")
def code_messages():
    """Every message the code and templates mark for translation, extracted in memory."""
    return catalogs.extract_messages(ROOT)


def test_extraction_finds_python_and_template_messages(code_messages):
    ids = {m.id for m in code_messages if m.id}
    assert len(ids) > 100
    assert "Please log in to see this page." in ids  # portal/ (Python)
    assert "How can we help?" in ids  # templates/ (Jinja2)


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_message_in_the_code_is_translated_in_the_shipped_catalog(code_messages, locale):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f)
    untranslated = [
        m.id
        for m in code_messages
        if m.id and not (catalog.get(m.id, context=m.context) and catalog.get(m.id, context=m.context).string)
    ]
    assert untranslated == [], "add rows to portal/translations/ui*.tsv and run `make translations`"


@pytest.mark.parametrize("locale", TRANSLATED)
def test_shipped_po_files_are_what_the_sheets_give(code_messages, locale):
    """The .po files are generated: editing one by hand, or a stale one, is caught here."""
    expected, _missing = catalogs.po_bytes(code_messages, catalogs.read_sheets(), locale)
    shipped = (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").read_bytes()
    header = shipped.split(b"\n\n", 1)[0]
    assert header == expected.split(b"\n\n", 1)[0] and b"Creation-Date" not in header
    assert entries(shipped) == entries(expected), "run `make translations`"


def entries(po: bytes) -> list[tuple]:
    """(context, msgid, msgstr, fuzzy) of each message, in file order (line wrapping aside)."""
    return [(m.context, m.id, m.string, m.fuzzy) for m in read_po(io.BytesIO(po)) if m.id]


@pytest.mark.parametrize("locale", TRANSLATED)
def test_compiled_catalogs_match_the_po_files(locale):
    """The shipped .mo equals the .po compiled in memory (babel.messages.mofile, fixed header)."""
    folder = TRANSLATIONS / locale / "LC_MESSAGES"
    assert catalogs.mo_bytes(folder / "messages.po") == (folder / "messages.mo").read_bytes(), (
        "run `make translations`"
    )


def test_compiled_catalogs_are_deterministic_and_translate(tmp_path):
    po = TRANSLATIONS / "ru" / "LC_MESSAGES" / "messages.po"
    assert catalogs.mo_bytes(po) == catalogs.mo_bytes(po)
    mo = tmp_path / "ru" / "LC_MESSAGES" / "messages.mo"
    mo.parent.mkdir(parents=True)
    mo.write_bytes(catalogs.mo_bytes(po))
    translations = Translations.load(str(tmp_path), ["ru"])
    assert translations.gettext("How can we help?") == "Чем мы можем помочь?"
    assert b"POT-Creation-Date" not in mo.read_bytes() and b"Generated-By" not in mo.read_bytes()
    assert [translations.plural(n) for n in (1, 3, 5, 11, 21)] == [0, 1, 2, 2, 0]


def test_compile_writes_nothing_when_the_bytes_are_the_same(tmp_path):
    target = tmp_path / "x.mo"
    assert catalogs.write_if_changed(target, b"abc") is True
    before = target.stat().st_mtime_ns
    assert catalogs.write_if_changed(target, b"abc") is False
    assert target.stat().st_mtime_ns == before

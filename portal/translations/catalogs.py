"""Deterministic translation catalogs: messages from the code, .po files from the sheets, .mo files.

The same inputs give byte-identical files whatever the date or the installed Babel version:
the .po and .mo headers are fixed here (no creation date, no "Generated-By"), so `make install`
and `make translations` leave a clean checkout clean. Used by scripts/i18n.py and by the tests.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from knowledge_base.locales import DEFAULT_LOCALE, LOCALES

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = Path(__file__).resolve().parent
#: The languages with a catalog (English is the source language).
TRANSLATED: tuple[str, ...] = tuple(code for code in LOCALES if code != DEFAULT_LOCALE)
#: Extra gettext keywords used in the code, besides Babel's defaults.
KEYWORDS = {"_l": None, "lazy_gettext": None}
#: GNU gettext plural rules, fixed here so that they do not change with Babel's CLDR data.
PLURAL_FORMS = {
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "cs": "nplurals=3; plural=(n==1 ? 0 : n>=2 && n<=4 ? 1 : 2);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
    "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
}
MAPPING_LINE = re.compile(r"^\[\s*(\w+)\s*:\s*(.+?)\s*\]\s*$")


def header_fields(locale: str) -> list[tuple[str, str]]:
    """The fixed header of a catalog: no dates, no tool versions."""
    return [
        ("Project-Id-Version", "Shopkeeper"),
        ("Language", locale),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Transfer-Encoding", "8bit"),
        ("Plural-Forms", PLURAL_FORMS[locale]),
    ]


def method_map(cfg: Path = ROOT / "babel.cfg") -> list[tuple[str, str]]:
    """(pattern, extraction method) pairs from babel.cfg's `[method: pattern]` sections."""
    pairs = []
    for line in cfg.read_text("utf-8").splitlines():
        match = MAPPING_LINE.match(line.strip())
        if match:
            pairs.append((match.group(2), match.group(1)))
    return pairs


def extract_messages(root: Path = ROOT) -> Catalog:
    """Every translatable message in the code and templates, in a fresh template catalog."""
    template = Catalog(fuzzy=False)
    keywords = {**DEFAULT_KEYWORDS, **KEYWORDS}
    for _filename, _lineno, message, _comments, context in extract_from_dir(
        str(root), method_map(root / "babel.cfg"), keywords=keywords
    ):
        template.add(message, None, context=context)
    return template


def read_sheets(folder: Path = TRANSLATIONS) -> dict[str, dict[str, str]]:
    """All translators' sheets: ui.tsv and one ui-<area>.tsv per area, merged by msgid."""
    sheet: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("ui*.tsv")):
        with open(path, encoding="utf-8", newline="") as f:
            rows = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            sheet.update({row["msgid"]: row for row in rows})
    return sheet


#: In a sheet, the plural forms of one translation are separated by this, in the order of the
#: language's Plural-Forms rule (pl/cs/ru: one || few || many).
PLURAL_SEPARATOR = "||"


def nplurals(locale: str) -> int:
    """How many plural forms `locale` has, from its fixed Plural-Forms rule."""
    return int(re.search(r"nplurals=(\d+)", PLURAL_FORMS[locale]).group(1))  # type: ignore[union-attr]


def translation(message_id: str | tuple[str, ...], row: dict[str, str] | None, locale: str) -> str | tuple:
    """A sheet row's translation for a catalog message: a string, or a tuple of plural forms.

    A plural message (`ngettext`) is looked up by its singular; its cell must hold exactly the
    language's number of forms, else every form is left empty (and counted as missing).
    """
    if not isinstance(message_id, tuple):
        return row[locale] if row else ""
    forms = [form.strip() for form in row[locale].split(PLURAL_SEPARATOR)] if row else []
    return tuple(forms) if len(forms) == nplurals(locale) else ("",) * nplurals(locale)


def po_bytes(template: Catalog, sheet: dict[str, dict[str, str]], locale: str) -> tuple[bytes, int]:
    """One language's .po file (fixed header, messages in the template's order), and how many lack a row."""
    catalog = Catalog(locale=locale, fuzzy=False)
    missing = 0
    for message in template:
        if message.id:
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            string = translation(message.id, sheet.get(key), locale)
            catalog.add(message.id, string, context=message.context)
            missing += not all(string) if isinstance(string, tuple) else not string
    body = io.BytesIO()
    write_po(body, catalog, omit_header=True, width=100, no_location=True)
    header = [f"# {locale} translations for Shopkeeper, written by scripts/i18n.py from ui*.tsv.\n"]
    header += ['msgid ""\n', 'msgstr ""\n']
    header += [f'"{name}: {value}\\n"\n' for name, value in header_fields(locale)]
    return ("".join(header) + "\n").encode("utf-8") + body.getvalue().lstrip(b"\n"), missing


class _FixedHeaderCatalog:
    """What `write_mo` reads from a catalog, with our fixed header instead of Babel's."""

    charset = "utf-8"

    def __init__(self, catalog: Catalog, locale: str) -> None:
        self.messages = [m for m in catalog if m.id]
        self.header = "".join(f"{name}: {value}\n" for name, value in header_fields(locale))

    def __iter__(self) -> Iterator[Message]:
        yield Message("", self.header)
        yield from self.messages


def mo_bytes(po_path: Path) -> bytes:
    """The .mo file compiled from a .po file, byte-identical for the same .po."""
    with open(po_path, "rb") as f:
        catalog = read_po(f)
    locale = po_path.parent.parent.name
    compiled = io.BytesIO()
    write_mo(compiled, _FixedHeaderCatalog(catalog, locale))  # type: ignore[arg-type]
    return compiled.getvalue()


def po_paths(folder: Path = TRANSLATIONS, locales: Iterable[str] = TRANSLATED) -> list[Path]:
    """The .po file of every translated language."""
    return [folder / locale / "LC_MESSAGES" / "messages.po" for locale in locales]


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` unless the file already holds exactly that; True if it was written."""
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True

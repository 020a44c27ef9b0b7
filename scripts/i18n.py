"""Keep the translation catalogs in step with the code.

usage: python scripts/i18n.py

Extracts the messages and rewrites the pl/cs/ru catalogs from portal/translations/ui*.tsv.

ui.tsv is the translators' sheet: one row per English message, one column per language.
A message without a row stays untranslated, and the catalog-completeness test fails.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "portal" / "translations"
LOCALES = ("pl", "cs", "ru")


def read_sheets() -> dict[str, dict[str, str]]:
    """All translators' sheets: ui.tsv and one ui-<area>.tsv per area, merged by msgid."""
    sheet: dict[str, dict[str, str]] = {}
    for path in sorted(TRANSLATIONS.glob("ui*.tsv")):
        with open(path, encoding="utf-8", newline="") as f:
            rows = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            sheet.update({row["msgid"]: row for row in rows})
    return sheet


def main() -> int:
    pot = ROOT / "build" / "messages.pot"
    pot.parent.mkdir(exist_ok=True)
    subprocess.run(  # noqa: S603 (fixed argv, our own interpreter)
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "--omit-header",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    sheet = read_sheets()
    with open(pot, "rb") as f:
        template = read_po(f)
    missing = 0
    for locale in LOCALES:
        template.locale = locale
        template.fuzzy = False
        for message in template:
            if message.id:
                row = sheet.get(message.id)
                message.string = row[locale] if row else ""
                missing += row is None
        target = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as f:
            write_po(f, template, omit_header=False, width=100)
    print(f"catalogs written; {missing // len(LOCALES)} messages lack a translation")
    return 0


if __name__ == "__main__":
    sys.exit(main())

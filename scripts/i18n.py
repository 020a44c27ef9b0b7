"""Keep the translation catalogs in step with the code, deterministically.

usage: python scripts/i18n.py             extract the messages, rewrite the pl/cs/ru .po files from
                                          portal/translations/ui*.tsv, compile the .mo files
       python scripts/i18n.py --compile   only compile the .mo files (what `make install` runs)

ui.tsv is the translators' sheet: one row per English message, one column per language
(areas add ui-<area>.tsv sheets, merged by msgid). A message without a row stays
untranslated, and the catalog-completeness test fails. Files are written only when their
bytes change, and the same inputs always give the same bytes (no dates, no tool versions
in the headers; see portal/translations/catalogs.py), so a clean checkout stays clean.

Plural messages (`ngettext("%(num)d result", "%(num)d results", n)`) have one row keyed by the
English singular; each language's cell holds that language's plural forms separated by `||`,
in the order of its Plural-Forms header (pl, cs, ru: one || few || many), e.g.
    %(num)d result<TAB>%(num)d wynik || %(num)d wyniki || %(num)d wyników<TAB>...
A cell with the wrong number of forms counts as untranslated.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from portal.translations import catalogs  # noqa: E402 (the checkout's own package, not an installed one)


def compile_all() -> list[Path]:
    """Compile every .po into its .mo; the .mo files that changed."""
    written = []
    for po in catalogs.po_paths():
        mo = po.with_suffix(".mo")
        if catalogs.write_if_changed(mo, catalogs.mo_bytes(po)):
            written.append(mo)
    return written


def update_all() -> int:
    """Rewrite the .po files from the code and the sheets; how many messages lack a translation."""
    template = catalogs.extract_messages(ROOT)
    sheet = catalogs.read_sheets()
    missing = 0
    for po in catalogs.po_paths():
        data, missing = catalogs.po_bytes(template, sheet, po.parent.parent.name)
        catalogs.write_if_changed(po, data)
    return missing


def main(argv: list[str]) -> int:
    """Run the command line."""
    if argv[1:] not in ([], ["--compile"]):
        print(__doc__, file=sys.stderr)
        return 2
    if not argv[1:]:
        missing = update_all()
        print(f"catalogs written; {missing} messages lack a translation")
    for mo in compile_all():
        print(f"compiled {mo.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

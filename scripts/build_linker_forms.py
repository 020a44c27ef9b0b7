"""Write linker/data/forms/<lang>.tsv: the inflected forms of every lexicon lemma.

usage: python scripts/build_linker_forms.py   (run after changing a lexicon or a lemmatizer;
tests/unit/linker/test_formcache.py fails while a shipped file differs from what this computes)
"""

from __future__ import annotations

from pathlib import Path

from linker.formcache import render
from linker.lemmas import SUPPORTED_LANGUAGES, backend_for

OUT = Path(__file__).resolve().parent.parent / "linker" / "data" / "forms"


def main() -> None:
    """Compute and write the file of each supported language."""
    OUT.mkdir(exist_ok=True)
    for lang in SUPPORTED_LANGUAGES:
        path = OUT / f"{lang}.tsv"
        path.write_text(render(backend_for(lang)), "utf-8")
        print(f"{path}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()

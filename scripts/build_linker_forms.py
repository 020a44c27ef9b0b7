"""Write linker/data/forms/<lang>.tsv, the inflected forms of every lexicon lemma, and
<lang>.keys.gz, the lexicon index's keys expanded from them (see linker/lexkeys.py).

usage: python scripts/build_linker_forms.py   (run after changing a lexicon or a lemmatizer;
tests/unit/linker/test_formcache.py fails while a shipped file differs from what this computes)
"""

from __future__ import annotations

from pathlib import Path

from linker import lexkeys
from linker.formcache import render, shipped_forms
from linker.lemmas import SUPPORTED_LANGUAGES, OfferWords, backend_for

OUT = Path(__file__).resolve().parent.parent / "linker" / "data" / "forms"


def main() -> None:
    """Compute and write the file of each supported language."""
    OUT.mkdir(exist_ok=True)
    for lang in SUPPORTED_LANGUAGES:
        path = OUT / f"{lang}.tsv"
        path.write_text(render(backend_for(lang)), "utf-8")
        print(f"{path}: {path.stat().st_size:,} bytes")
        shipped_forms.cache_clear()  # the keys are expanded from the forms just written
        keys = OUT / f"{lang}.keys.gz"
        keys.write_bytes(lexkeys.render(OfferWords(backend_for(lang))))
        print(f"{keys}: {keys.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()

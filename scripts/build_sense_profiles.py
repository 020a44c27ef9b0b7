"""Write linker/data/senses/built/<lang>.json: the word-sense profiles, lemmatised once.

usage: python scripts/build_sense_profiles.py   (run after changing linker/data/senses or a
lemmatizer; tests/unit/linker/test_sensecache.py fails while a shipped file is stale)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from linker.sensecache import render  # noqa: E402
from linker.senses import SENSE_LANGUAGES, build_domain_words, build_sense_corpus, sense_rows  # noqa: E402

OUT = ROOT / "linker" / "data" / "senses" / "built"


def main() -> None:
    """Build and write the file of each language."""
    OUT.mkdir(exist_ok=True)
    for lang in SENSE_LANGUAGES:
        path = OUT / f"{lang}.json"
        corpus = build_sense_corpus(sense_rows(lang), lang)
        path.write_text(render(lang, corpus, build_domain_words(lang)), "utf-8")
        print(f"{path}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()

"""Build linker/data/<lang>/obscenity.txt from the public lists in scripts/data/blocklists.

usage: python scripts/build_blocklists.py [LISTS_DIR]   (default scripts/data/blocklists)

Sources and licences: linker/data/SOURCES.md. Words that are ordinary in help-desk text
("suck" of a vacuum cleaner, Polish "jajko" = egg, Russian "хрен" = horseradish) are left
out; the exclusions live below so the choice is reviewable.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXCLUDE = {
    "en": {
        "suck",
        "sucks",
        "nipple",
        "nipples",
        "escort",
        "domination",
        "kinky",
        "tied up",
        "sexy",
        "sex",
        "sexual",
        "sexually",
        "sexuality",
        "erotic",
        "nude",
        "nudity",
        "butt",
        "panties",
        "panty",
        "hooker",
        "strip club",
        "tight white",
        "taste my",
        "hard core",
        "hardcore",
        "intercourse",
        "big black",
        "girl on",
        "girl on top",
        "spread legs",
        "twinkie",
        "snatch",
        "scat",
        "smut",
        "spastic",
        "mong",
        "poof",
        "cialis",
        "viagra",
        "tongue in a",
        "jelly donut",
        "hot chick",
        "huge fat",
        "playboy",
        "fingering",
        "tainted love",
        "xx",
        "rectum",
        "vagina",
        "penis",
        "genitals",
        "semen",
        "ejaculation",
        "eunuch",
        "undressing",
        "god damn",
        "big breasts",
        "boob",
        "camel toe",
        "swinger",
        "lovemaking",
        "rape",
        "raping",
        "rapist",
        "how to kill",
        "how to murder",
        "date rape",
        "daterape",
        "grope",
        "voyeur",
        "topless",
        "urethra play",
        "vulva",
        "bla",
        "bareback",
        "barenaked",
        "busty",
        "booty call",
        "butt+",
        "boff+in*",
        "bugg+er*",
    },
    "pl": {
        "jajko",
        "jajco",
        "dmuchać",
        "pieprzyć",
        "duperele",
        "pierdoła",
        "syf",
        "burdel",
        "cyc",
        "rzygać",
        "debil*",
        "debil",
    },
    "cs": {"dršťka", "žrát", "píchat", "bordel", "čumět", "debil", "držka"},
    "ru": {
        "gol",
        "byk",
        "uboy",
        "голый",
        "мент",
        "фига",
        "хапать",
        "какая разница",
        "другой дразнится",
        "на фиг",
        "офигеть",
        "бугор",
        "обнаженный",
        "хрен",
        "секс",
        "padlo",
        "petuh",
        "хер с ней",
        "хер с ним",
    },
}

# Seen blocking ordinary help-desk text in the benchmark corpus (battery "hard on", CDC "fecal").
EXCLUDE["en"] |= {"hard on", "fecal", "dupa"}
EXCLUDE["pl"] |= {"dupa", "dupy", "dupę"}


def bad_words_next(path: Path) -> list[str]:
    """Convert bad-words-next patterns: '+' repeats dropped, '_' to space, a leading '*' dropped
    (a word must start with the root: '*ебан*' would hit 'небанальный'), a trailing '*' kept."""
    terms = []
    for pattern in json.loads(path.read_text("utf-8"))["words"]:
        term = pattern.replace("+", "").replace("_", " ").lstrip("*").strip()
        if len(term.rstrip("*")) >= 3:
            terms.append(term)
    return terms


def main(lists: Path) -> None:
    for lang in ("en", "pl", "cs", "ru"):
        terms = [t.strip() for t in (lists / f"ldnoobw-{lang}.txt").read_text("utf-8").splitlines()]
        for extra in [f"bad-words-next-{lang}.json"] + (
            ["bad-words-next-ru_lat.json"] if lang == "ru" else []
        ):
            if (lists / extra).exists():
                terms += bad_words_next(lists / extra)
        kept = sorted({t.lower() for t in terms if t and t.lower() not in EXCLUDE[lang]})
        header = (
            f"# obscenity and hate terms ({lang}); built by scripts/build_blocklists.py; see SOURCES.md\n"
        )
        (ROOT / "linker" / "data" / lang / "obscenity.txt").write_text(
            header + "\n".join(kept) + "\n", "utf-8"
        )
        print(lang, len(kept))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "scripts" / "data" / "blocklists")

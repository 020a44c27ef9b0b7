"""The labelled corpus the context model learns from, and its fixed train/dev/held-out split."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from linker.context.model import FRAMING, SENSITIVE

LABELS = (*SENSITIVE, *FRAMING, "neutral")
GENRES = ("support_article", "forum_post", "news", "review", "chat", "email")
HEADER = ["label", "genre", "text"]
HELD_OUT_BUCKETS = frozenset({0, 1})  # of 10: 20 % never trained or tuned on
DEV_BUCKETS = frozenset({2, 3})  # of 10: thresholds are tuned here


@dataclass(frozen=True)
class Example:
    lang: str
    label: str
    genre: str
    text: str
    source: str  # file name

    @property
    def split(self) -> str:
        """'held_out', 'dev' or 'train', by a stable hash of the text (not of its position)."""
        bucket = int(hashlib.sha256(self.text.encode("utf-8")).hexdigest(), 16) % 10
        if bucket in HELD_OUT_BUCKETS:
            return "held_out"
        return "dev" if bucket in DEV_BUCKETS else "train"


def corpus_root() -> Path:
    """linker/training in the source tree."""
    return Path(__file__).resolve().parent.parent / "training"


def corpus_files(root: Path | None = None) -> list[Path]:
    """Every training file, sorted: corpus/<lang>.tsv and public/*.tsv."""
    root = root or corpus_root()
    return sorted((root / "corpus").glob("*.tsv")) + sorted((root / "public").glob("*.tsv"))


def file_language(path: Path) -> str:
    """corpus/pl.tsv -> pl; public/xed-cs.tsv -> cs; other public files are English."""
    stem = path.stem
    if path.parent.name == "corpus":
        return stem
    return stem.rsplit("-", 1)[1] if "-" in stem and len(stem.rsplit("-", 1)[1]) == 2 else "en"


def read_file(path: Path) -> list[Example]:
    """The examples of one file; a malformed line raises ValueError naming it."""
    lang = file_language(path)
    lines = path.read_text("utf-8").splitlines()
    if not lines or lines[0].split("\t") != HEADER:
        raise ValueError(f"{path}: the first line must be {'<TAB>'.join(HEADER)}")
    examples = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[0] not in LABELS or parts[1] not in GENRES or not parts[2].strip():
            raise ValueError(f"{path}:{number}: expected label<TAB>genre<TAB>text, got {line[:80]!r}")
        examples.append(Example(lang, parts[0], parts[1], parts[2].strip(), path.name))
    return examples


def read_corpus(paths: Iterable[Path]) -> list[Example]:
    """All examples, duplicates of a text (same language) kept once (the first label wins)."""
    seen: set[tuple[str, str]] = set()
    examples = []
    for path in paths:
        for example in read_file(path):
            key = (example.lang, example.text.lower())
            if key not in seen:
                seen.add(key)
                examples.append(example)
    return examples


def file_hashes(paths: Iterable[Path], root: Path | None = None) -> dict[str, str]:
    """SHA-256 of each training file, keyed by its path under linker/training."""
    root = root or corpus_root()
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}

"""Linker benchmark: throughput against a naive Aho-Corasick linker, start-up, memory, build time.

usage: python benchmarks/linker_bench.py [DATA_DIR]   (default benchmarks/data, see SOURCES.md)

Corpus: every knowledge-base article in DATA_DIR/kb (GNOME help, Organic Maps FAQ,
CDC FAQ; en/pl/cs/ru), repeated until it exceeds 1 MB. Offers: 1,000 built from the corpus's
own frequent words (250 per language), so matches are plentiful. Figures are printed, never asserted.
"""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import ahocorasick

HERE = Path(__file__).resolve().parent
WORD = re.compile(r"[^\W\d_]{5,}")


def load_corpus(data: Path, min_bytes: int = 1_000_000) -> list[tuple[str, str]]:
    """(lang, text) documents, the article set repeated until it passes `min_bytes`."""
    articles = []
    for path in sorted((data / "kb").glob("*/articles/*.md")):
        raw = path.read_text("utf-8")
        _, front, body = raw.split("---", 2)
        lang = re.search(r"^locale:\s*(\w+)", front, re.M).group(1)
        articles.append((lang, body.strip()))
    docs, size = [], 0
    while size < min_bytes:
        for lang, body in articles:
            docs.append((lang, body))
            size += len(body.encode())
    return docs


def make_offers(docs: list[tuple[str, str]], per_language: int) -> list[dict]:
    """Offers whose phrases are the corpus's frequent words, `per_language` per language."""
    offers = []
    for lang in ("en", "pl", "cs", "ru"):
        counts = Counter(w.lower() for code, text in docs if code == lang for w in WORD.findall(text))
        for rank, (word, _n) in enumerate(counts.most_common(per_language)):
            offers.append(
                {
                    "id": f"{lang}-{rank}",
                    "title": word,
                    "url": f"https://shop.example.com/{lang}/{rank}",
                    "phrases": {lang: [word]},
                }
            )
    return offers


class NaiveLinker:
    """What a plain auto-linker does: exact lower-case phrases, word boundaries, first hit per offer."""

    def __init__(self, offers: list[dict]) -> None:
        self.automaton = ahocorasick.Automaton()
        for offer in offers:
            for phrases in offer["phrases"].values():
                for phrase in phrases:
                    self.automaton.add_word(phrase.lower(), (offer["id"], len(phrase)))
        self.automaton.make_automaton()

    def scan(self, text: str) -> list[tuple[str, int, int]]:
        lowered, seen, links = text.lower(), set(), []
        for end, (offer_id, length) in self.automaton.iter(lowered):
            start = end - length + 1
            if offer_id in seen:
                continue
            if (start == 0 or not lowered[start - 1].isalnum()) and (
                end + 1 == len(lowered) or not lowered[end + 1].isalnum()
            ):
                seen.add(offer_id)
                links.append((offer_id, start, end + 1))
        return links


def throughputs(docs, scanners: dict, rounds: int = 7) -> dict[str, tuple[float, int]]:
    """Words/s and links of each scanner: the best of `rounds` passes, the scanners taking turns
    pass by pass so that all of them meet the same conditions (this VM's speed drifts)."""
    words = sum(len(text.split()) for _lang, text in docs)
    best = dict.fromkeys(scanners, float("inf"))
    links = dict.fromkeys(scanners, 0)
    for _ in range(rounds):
        for name, scan in scanners.items():
            started = time.perf_counter()
            links[name] = sum(len(scan(lang, text)) for lang, text in docs)
            best[name] = min(best[name], time.perf_counter() - started)
    return {name: (words / best[name], links[name]) for name in scanners}


#: Stages of a scan (see linker/README.md) and the functions whose cumulative time is theirs.
STAGES = {
    "normalise text": ("linker/normalize.py", "normalize"),
    "lexicon pass (term index)": ("linker/termindex.py", "find"),
    "document evidence": ("linker/evidence.py", "gather"),
    "offer pass (candidates)": ("linker/termindex.py", "paragraph_spans"),
    "all checks": ("linker/core.py", "_run"),
    "spaCy analysis of candidate windows": ("linker/scan_context.py", "analyse"),
}


def stage_profile(linker, docs) -> tuple[float, dict[str, float]]:
    """Total scan time under cProfile and each stage's share of it (one warm pass)."""
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.enable()
    for lang, text in docs:
        linker.scan(text, lang=lang)
    profile.disable()
    stats = pstats.Stats(profile).stats  # (file, line, name) -> (cc, nc, tottime, cumtime, callers)
    total = sum(cum for (f, _l, name), (_c, _n, _t, cum, _r) in stats.items() if name == "scan")
    shares = {}
    for stage, (suffix, function) in STAGES.items():
        shares[stage] = sum(
            cum
            for (f, _l, name), (_c, _n, _t, cum, _r) in stats.items()
            if name == function and f.endswith(suffix)
        )
    checks = {
        check.name: sum(
            cum
            for (f, _l, name), (_c, _n, _t, cum, _r) in stats.items()
            if name == check.function.__name__ and "linker/checks/" in f and check.scope == "sentence"
        )
        for check in linker.checks["sentence"]
    }
    shares.update({f"sentence check: {name}": value for name, value in checks.items()})
    return total, shares


def startup_probe(offers_path: Path, big_offers_path: Path) -> dict:
    """Run in a fresh interpreter: start-up with four languages, peak memory, 10k-offer build."""
    code = f"""
import json, resource, time
t = time.perf_counter()
from linker import Linker, load_offers
linker = Linker(load_offers({str(offers_path)!r}))
for text in ["Router", "Pralka", "Pračka", "Роутер"]:
    linker.scan(text)
startup = time.perf_counter() - t
startup_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t = time.perf_counter()
Linker(load_offers({str(big_offers_path)!r}))
build = time.perf_counter() - t
print(json.dumps({{"startup": startup, "build_10k": build, "startup_mb": startup_mb,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(data: Path) -> None:
    from linker import Linker

    docs = load_corpus(data)
    size_mb = sum(len(t.encode()) for _l, t in docs) / 1e6
    offers = make_offers(docs, 250)
    work = Path(HERE / ".." / ".bench").resolve()
    work.mkdir(exist_ok=True)
    (work / "offers-1k.json").write_text(json.dumps(offers))
    (work / "offers-10k.json").write_text(json.dumps(make_offers(docs, 2500)))

    naive = NaiveLinker(offers)
    linker = Linker(offers)
    rates = throughputs(
        docs,
        {
            "naive": lambda lang, text: naive.scan(text),
            "full": lambda lang, text: linker.scan(text, lang=lang).links,
        },
    )
    (naive_rate, naive_links), (full_rate, full_links) = rates["naive"], rates["full"]
    probe = startup_probe(work / "offers-1k.json", work / "offers-10k.json")
    profiled, stages = stage_profile(linker, docs)

    print(f"Linker benchmark: {len(docs)} documents, {size_mb:.2f} MB (en/pl/cs/ru), {len(offers)} offers")
    print()
    print("| measure | value |")
    print("|---|---:|")
    print(f"| naive Aho-Corasick linker throughput | {naive_rate:,.0f} words/s ({naive_links} links) |")
    full = f"{full_rate:,.0f} words/s ({full_links} links)"
    print(f"| full linker (lemmas, all checks; best of 7 interleaved passes, caches warm) | {full} |")
    print(f"| full / naive | {full_rate / naive_rate:.1%} (goal >= 30%) |")
    print(f"| start-up, four languages loaded, first scans (goal < 1.5 s) | {probe['startup']:.2f} s |")
    print(f"| peak memory after start-up (goal < 400 MB) | {probe['startup_mb']:.0f} MB |")
    print(f"| peak memory of that process, after the 10,000-offer build too | {probe['peak_mb']:.0f} MB |")
    print(f"| matcher build for 10,000 offers (warm) | {probe['build_10k']:.2f} s |")
    print(
        f"| this process peak memory | {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB |"
    )
    print()
    print(
        "Where the full linker's scan time goes "
        "(one warm pass under cProfile; checks include their sentence checks; see linker/README.md)"
    )
    print()
    print("| stage | share of scan time |")
    print("|---|---:|")
    for stage, seconds in stages.items():
        print(f"| {stage} | {seconds / profiled:.1%} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "data")

"""Linker benchmark: throughput against a naive Aho-Corasick linker, start-up, memory, build time.

usage: python benchmarks/linker_bench.py [DATA_DIR]   (default benchmarks/data, see SOURCES.md)

Corpus: every knowledge-base article in DATA_DIR/kb (GNOME help, Organic Maps FAQ,
CDC FAQ; en/pl/cs/ru), repeated until it exceeds 1 MB. Offers: 1,000 built from the corpus's
own frequent words (250 per language), so matches are plentiful. Figures are printed, never asserted.

The measures of issue 13 (item 6) come first, in one table: throughput of the full linker as a
share of the naive linker's in the same run (CPU time, so that other processes on a shared
machine do not count), start-up with four languages up to the first result in each, memory,
and scan time per MB at two document sizes (text and HTML). The linker measured is the one in
this source tree (not an installed copy).
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
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # this tree's linker, even where another checkout is pip-installed
STARTUP_RUNS = 3
STARTUP_KEYS = ("startup", "startup_cpu", "import", "build", "first_scans")
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


def throughputs(docs, scanners: dict, rounds: int = 7) -> dict[str, tuple[float, float, int]]:
    """Words per CPU second, words per wall-clock second and links of each scanner: the best of
    `rounds` passes, the scanners taking turns pass by pass so that all of them meet the same
    conditions (this VM's speed drifts; CPU time leaves out the moments other processes ran)."""
    words = sum(len(text.split()) for _lang, text in docs)
    best_cpu = dict.fromkeys(scanners, float("inf"))
    best_wall = dict.fromkeys(scanners, float("inf"))
    links = dict.fromkeys(scanners, 0)
    for _ in range(rounds):
        for name, scan in scanners.items():
            wall, cpu = time.perf_counter(), time.process_time()
            links[name] = sum(len(scan(lang, text)) for lang, text in docs)
            best_cpu[name] = min(best_cpu[name], time.process_time() - cpu)
            best_wall[name] = min(best_wall[name], time.perf_counter() - wall)
    return {name: (words / best_cpu[name], words / best_wall[name], links[name]) for name in scanners}


def _timed(function, totals: dict[str, float], stage: str, stack: list[float]):
    """`function`, adding its own CPU time to `totals[stage]`: the time of a timed function it
    calls (a paragraph reading inside a check) goes to that function's stage, not to both."""

    def timed(*args, **kwargs):
        stack.append(0.0)  # CPU time of the timed calls made inside this one
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            elapsed = time.process_time() - started
            totals[stage] = totals.get(stage, 0.0) + elapsed - stack.pop()
            if stack:
                stack[-1] += elapsed

    return timed


def stage_times(linker, docs, passes: int = 3) -> tuple[float, dict[str, float]]:
    """CPU time of `passes` warm passes and the CPU time of each stage of linker/README.md in them.

    Each stage's functions are wrapped with a timer for the pass (a few thousand calls: the timers
    cost little, unlike a profiler that times every call and inflates the stages that make many).
    Timers are exclusive: the model's paragraph readings, which run inside the paragraph checks
    and the context-model check, count once, as their own stage."""
    import linker.checks.context_model as model_check
    import linker.core as core
    from linker.checks import Check
    from linker.scan_context import ScanContext
    from linker.termindex import TermIndex

    totals: dict[str, float] = {}
    stack: list[float] = []
    patches = [
        (core, "normalize", "normalise text"),
        (core.Document, "from_text", "normalise text"),
        (core.Linker, "_language_refusal", "language check"),
        (core, "fold", "lexicon pass and document evidence"),
        (core.TermIndex, "prepare", "lexicon pass and document evidence"),
        (core, "_hashtag_hits", "lexicon pass and document evidence"),
        (core, "gather", "lexicon pass and document evidence"),
        (core, "_context_offers", "lexicon pass and document evidence"),
        (ScanContext, "analyse", "spaCy analysis of candidate windows"),
        (core, "_link", "results (offsets, sentences)"),
        (core, "_blocked", "results (offsets, sentences)"),
        (model_check, "_paragraph_prediction", "context model: paragraph readings"),
        (model_check, "_sentence_prediction", "context model: sentence readings"),
    ]
    saved = [(owner, name, owner.__dict__[name]) for owner, name, _stage in patches]
    saved_checks = dict(linker.checks)
    for owner, name, stage in patches:
        timed = _timed(getattr(owner, name), totals, stage, stack)  # class and static methods come bound
        static = isinstance(owner.__dict__[name], (classmethod, staticmethod))
        setattr(owner, name, staticmethod(timed) if static else timed)
    find = TermIndex.find
    TermIndex.find = _timed(find, totals, "lexicon pass and document evidence", stack)
    for scope, checks in saved_checks.items():
        linker.checks[scope] = [
            Check(c.name, _timed(c.function, totals, f"{scope} check: {c.name}", stack), c.scope, c.order)
            for c in checks
        ]
    try:
        started = time.process_time()
        for _pass in range(passes):
            for lang, text in docs:
                linker.scan(text, lang=lang)
        total = time.process_time() - started
    finally:
        TermIndex.find = find
        for owner, name, original in saved:
            setattr(owner, name, original)
        linker.checks.update(saved_checks)
    totals["offer pass, decisions and the rest"] = total - sum(totals.values())
    return total, totals


def startup_probe(offers_path: Path, big_offers_path: Path | None) -> dict:
    """Run in a fresh interpreter: start-up with four languages (import, build, the first result
    in each language), peak memory, and with `big_offers_path` a 10k-offer build after it."""
    code = f"""
import json, sys, time
sys.path.insert(0, {str(ROOT)!r})
def peak_mb():
    # VmHWM: this program's own high-water mark (ru_maxrss keeps the forking parent's across exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
started, cpu = time.perf_counter(), time.process_time()
from linker import Linker, load_offers
imported = time.perf_counter()
linker = Linker(load_offers({str(offers_path)!r}))
built = time.perf_counter()
# "Роутер" alone is detected as Bulgarian: the Russian first result needs a few more words
for text in ["Router", "Pralka", "Pračka", "Роутер не работает"]:
    linker.scan(text)
scanned = time.perf_counter()
startup_cpu = time.process_time() - cpu
startup_mb = peak_mb()
if {str(big_offers_path or "")!r}:
    Linker(load_offers({str(big_offers_path)!r}))
print(json.dumps({{"startup": scanned - started, "startup_cpu": startup_cpu,
                  "import": imported - started, "build": built - imported, "first_scans": scanned - built,
                  "build_10k": time.perf_counter() - scanned, "startup_mb": startup_mb,
                  "peak_mb": peak_mb()}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def size_costs(sizes: tuple[float, ...] = (1, 4), rounds: int = 2) -> dict[tuple[str, float], float]:
    """CPU seconds per MB of text and HTML documents of two sizes (benchmarks/linker_size_bench.py
    has the full table, from 1 to 10 MB, and the dense case)."""
    from linker_size_bench import cpu_time, documents

    from linker import Linker, load_offers

    linker = Linker(load_offers(ROOT / "tests" / "data" / "offers.json"), languages=["en"])
    linker.scan("Warm up the washing machine.", lang="en")
    docs = {mb: documents(mb) for mb in sizes}
    best = {}
    for _round in range(rounds):
        for mb in sizes:
            for kind, scan in (("text", linker.scan), ("html", linker.scan_html)):
                seconds = cpu_time(scan, docs[mb][kind], lang="en") / (len(docs[mb][kind].encode()) / 1e6)
                best[kind, mb] = min(best.get((kind, mb), float("inf")), seconds)
    return best


def main(data: Path) -> None:
    from linker import Linker
    from linker.checks import names as check_names
    from linker.offers import Policy

    docs = load_corpus(data)
    size_mb = sum(len(t.encode()) for _l, t in docs) / 1e6
    offers = make_offers(docs, 250)
    work = Path(HERE / ".." / ".bench").resolve()
    work.mkdir(exist_ok=True)
    (work / "offers-1k.json").write_text(json.dumps(offers))
    (work / "offers-10k.json").write_text(json.dumps(make_offers(docs, 2500)))

    naive = NaiveLinker(offers)
    linker = Linker(offers)
    no_model = Linker(offers, Policy(checks=[name for name in check_names() if name != "context_model"]))
    rates = throughputs(
        docs,
        {
            "naive": lambda lang, text: naive.scan(text),
            "full": lambda lang, text: linker.scan(text, lang=lang).links,
            "no model": lambda lang, text: no_model.scan(text, lang=lang).links,
        },
    )
    (naive_cpu, naive_wall, naive_links) = rates["naive"]
    (full_cpu, full_wall, full_links) = rates["full"]
    (bare_cpu, _bare_wall, bare_links) = rates["no model"]
    probe = startup_probe(work / "offers-1k.json", work / "offers-10k.json")
    for _ in range(STARTUP_RUNS - 1):  # start-up is wall-clock time: the best of a few fresh processes
        again = startup_probe(work / "offers-1k.json", None)
        if again["startup"] < probe["startup"]:
            probe.update({key: again[key] for key in STARTUP_KEYS})
    per_mb = size_costs()
    total, stages = stage_times(linker, docs)

    print(f"Linker benchmark: {len(docs)} documents, {size_mb:.2f} MB (en/pl/cs/ru), {len(offers)} offers")
    print()
    print("Issue 13, item 6 (cost stays low):")
    print()
    print("| measure | goal | value |")
    print("|---|---|---:|")
    print(f"| full / naive throughput, same run (CPU time) | >= 30% | {full_cpu / naive_cpu:.1%} |")
    started = f"{probe['startup']:.2f} s (best of {STARTUP_RUNS} processes)"
    print(f"| start-up: four languages, first result in each | < 1.5 s | {started} |")
    print(f"| peak memory after that start-up | < 400 MB | {probe['startup_mb']:.0f} MB |")
    for kind in ("text", "html"):
        cost = per_mb[kind, 1], per_mb[kind, 4]
        print(
            f"| {kind}: CPU s per MB at 1 MB / 4 MB | ratio <= 1.20 | "
            f"{cost[0]:.3f} / {cost[1]:.3f} ({max(cost) / min(cost):.2f}) |"
        )
    print()
    print("| measure | value |")
    print("|---|---:|")
    print(f"| naive Aho-Corasick linker | {naive_cpu:,.0f} words/CPU s ({naive_links} links) |")
    full = f"{full_cpu:,.0f} words/CPU s ({full_links} links)"
    print(f"| full linker (lemmas, all checks; best of 7 interleaved passes, caches warm) | {full} |")
    print(f"| full linker without the context model | {bare_cpu:,.0f} words/CPU s ({bare_links} links) |")
    print(f"| full / naive, wall-clock time | {full_wall / naive_wall:.1%} |")
    print(f"| full without the model / naive (CPU time) | {bare_cpu / naive_cpu:.1%} |")
    print(
        f"| start-up parts: import / build / first results | {probe['import']:.2f} / {probe['build']:.2f} / "
        f"{probe['first_scans']:.2f} s |"
    )
    print(f"| start-up CPU time | {probe['startup_cpu']:.2f} s |")
    print(f"| peak memory of that process, after the 10,000-offer build too | {probe['peak_mb']:.0f} MB |")
    print(f"| matcher build for 10,000 offers (warm) | {probe['build_10k']:.2f} s |")
    print(
        f"| this process peak memory | {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB |"
    )
    print()
    print(
        f"Where the full linker's scan time goes (three warm passes, {total:.2f} CPU s; an exclusive timer "
        "around each stage's functions; see linker/README.md)"
    )
    print()
    print("| stage | share of scan time |")
    print("|---|---:|")
    for stage, seconds in sorted(stages.items(), key=lambda item: -item[1]):
        print(f"| {stage} | {seconds / total:.1%} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "data")

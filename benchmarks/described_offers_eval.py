"""Word sense on offers the sense inventory does not know, with the offers' own descriptions.

usage: python benchmarks/described_offers_eval.py [--verbose]

Data: benchmarks/data/described_offers/<lang>.tsv (see SOURCES.md): per language 20 offers whose
word has another common meaning and is not in linker/data/senses (a crane for hire and the bird),
each with a shop's title and description, 3 paragraphs in the offer's sense and 3 in another.
Each paragraph is scanned alone with every offer of its language. A paragraph in another sense
that gets a link to its offer is a wrong-sense trap; one in the offer's sense that gets none is
over-blocking. "found" counts the paragraphs where the linker saw a candidate at all (lemmas may
miss an inflected form). Measured with every check and without the `sense` check, whose fallback
for unknown words is the domain check (linker/domainsense.py). A development set: settings may
be tuned on it (the independent evaluation sets stay untouched). Figures are printed, never
asserted.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from linker import Linker  # noqa: E402
from linker.checks import names as check_names  # noqa: E402
from linker.offers import Policy  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "described_offers"
LANGUAGES = ("en", "pl", "cs", "ru")


def read_cases(lang: str) -> tuple[list[dict], list[tuple[str, str, str]]]:
    """The language's offers and its (offer id, sense, paragraph) cases."""
    offers: dict[str, dict] = {}
    cases = []
    for line in (DATA / f"{lang}.tsv").read_text("utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) != 6 or line.startswith("#"):
            continue
        offer_id, word, title, description, sense, paragraph = (field.strip() for field in fields)
        key = f"{lang}-{offer_id}"
        offers.setdefault(
            key,
            {
                "id": key,
                "title": title,
                "description": description,
                "url": f"https://shop.example.com/{key}",
                "phrases": {lang: [word]},
            },
        )
        cases.append((key, sense, paragraph))
    return list(offers.values()), cases


def evaluate(lang: str, policy: Policy | None, verbose: bool) -> Counter:
    """Counts of traps/safe cases, links made and candidates found, for one language."""
    offers, cases = read_cases(lang)
    linker = Linker(offers, policy) if policy is not None else Linker(offers)
    counts: Counter = Counter()
    for offer_id, sense, paragraph in cases:
        result = linker.scan(paragraph, lang=lang)
        linked = any(link.offer == offer_id for link in result.links)
        found = linked or any(blocked.offer == offer_id for blocked in result.blocked)
        kind = "own" if sense == "own" else "other"
        counts[kind] += 1
        counts[f"{kind} found"] += found
        counts[f"{kind} linked"] += linked
        if verbose and found and (linked != (kind == "own")):
            reasons = [r for b in result.blocked if b.offer == offer_id for r in b.reasons]
            verdict = "linked" if linked else "blocked"
            print(f"  {lang} {kind:5} {verdict} {offer_id}: {paragraph[:90]} {reasons}")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print each wrong decision")
    verbose = parser.parse_args().verbose
    without_sense = Policy(checks=tuple(name for name in check_names() if name != "sense"))
    print("| language | setting | other sense linked (of found) | own sense linked (of found) | found |")
    print("|---|---|---:|---:|---:|")
    totals: dict[str, Counter] = {"all checks": Counter(), "without `sense`": Counter()}
    for lang in LANGUAGES:
        if not (DATA / f"{lang}.tsv").exists():
            continue
        for setting, policy in (("without `sense`", without_sense), ("all checks", None)):
            counts = evaluate(lang, policy, verbose and policy is None)
            totals[setting].update(counts)
            print(_row(lang, setting, counts))
    for setting, counts in totals.items():
        print(_row("all", setting, counts))


def _row(lang: str, setting: str, c: Counter) -> str:
    def share(part: int, whole: int) -> str:
        return f"{part}/{whole} ({part / whole:.2f})" if whole else "–"

    found = f"{c['other found'] + c['own found']}/{c['other'] + c['own']}"
    return (
        f"| {lang} | {setting} | {share(c['other linked'], c['other found'])} | "
        f"{share(c['own linked'], c['own found'])} | {found} |"
    )


if __name__ == "__main__":
    main()

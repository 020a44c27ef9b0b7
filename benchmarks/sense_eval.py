"""Word-sense model, cross-validated on its own contrast sets (linker/data/senses/<lang>.tsv).

usage: python benchmarks/sense_eval.py [--folds K] [--verbose]

Each context of the sense data is held out in turn (K folds by a hash of its text): the profiles
are built from the other folds only, and the held-out context is scored as a candidate of an offer
selling each sense of its word in turn. When the offer sells the context's own sense, the context is
a safe case (blocking it is over-blocking); when the offer sells another sense, it is a wrong-sense
trap (linking it is the embarrassment). The offer brings no words of its own here, so the figures
are what the contrast sets alone achieve on a one- or two-sentence context (a real scan also reads
the paragraph, the title and the offer's description). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from linker import senses as sense_module  # noqa: E402
from linker.lemmas import backend_for  # noqa: E402
from linker.senses import (  # noqa: E402
    SENSE_LANGUAGES,
    SenseModel,
    build_sense_corpus,
    domain_profiles,
    domain_words,
    lemmas_of,
    pooled_profiles,
    sense_rows,
)


def fold_of(text: str, folds: int) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest(), 16) % folds


def evaluate(
    lang: str, folds: int, weight: float, list_weight: float, specificity: float, verbose: bool = False
) -> Counter[str]:
    """Counts of traps/linked traps, safe/linked safe and undecided cases in one language."""
    rows = sense_rows(lang)
    backend = backend_for(lang)
    counts: Counter[str] = Counter()
    listed = domain_words(lang)
    for fold in range(folds):
        corpus = build_sense_corpus([r for r in rows if fold_of(r[2], folds) != fold], lang)
        domains = domain_profiles(corpus, specificity)
        for word, sense, text in (r for r in rows if fold_of(r[2], folds) == fold):
            lemma = backend.lemma(word.lower())
            if lemma not in corpus or sense not in corpus[lemma]:
                continue
            senses = pooled_profiles(corpus[lemma], lemma, domains, listed, weight, list_weight)
            context = lemmas_of(text, backend)
            for offer_sense in senses:
                model = SenseModel(lemma, senses, offer_sense)
                decision = model.decide(context)
                blocked = decision is not None and decision.other_sense
                kind = "safe" if offer_sense == sense else "trap"
                counts[kind] += 1
                counts[f"{kind}_linked"] += not blocked
                counts[f"{kind}_undecided"] += decision is None
                if verbose and kind == "trap" and not blocked:
                    print(f"  [{lang}] {word}: {sense} linked for a {offer_sense} offer: {text}")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--domain-weight", type=float, default=sense_module.DOMAIN_WEIGHT)
    parser.add_argument("--list-weight", type=float, default=sense_module.DOMAIN_LIST_WEIGHT)
    parser.add_argument("--specificity", type=float, default=sense_module.DOMAIN_SPECIFICITY)
    parser.add_argument("--margin", type=float, default=sense_module.MARGIN)
    parser.add_argument("--verbose", action="store_true", help="print every linked trap")
    args = parser.parse_args()
    sense_module.MARGIN = args.margin  # the module's setting, for this comparison run only
    print(f"Word-sense model, {args.folds}-fold cross-validation on linker/data/senses")
    print(f"{'lang':5} {'words':>5} {'traps linked':>18} {'safe linked (recall)':>22} {'undecided':>10}")
    total: Counter[str] = Counter()
    for lang in SENSE_LANGUAGES:
        counts = evaluate(
            lang, args.folds, args.domain_weight, args.list_weight, args.specificity, args.verbose
        )
        total.update(counts)
        words = len({r[0] for r in sense_rows(lang)})
        print_row(lang, words, counts)
    print_row("all", sum(len({r[0] for r in sense_rows(lang)}) for lang in SENSE_LANGUAGES), total)


def print_row(lang: str, words: int, counts: Counter[str]) -> None:
    traps, safe = counts["trap"], counts["safe"]
    undecided = counts["trap_undecided"] + counts["safe_undecided"]
    print(
        f"{lang:5} {words:>5} {counts['trap_linked']:>6}/{traps:<5}"
        f" ({counts['trap_linked'] / max(traps, 1):.3f})"
        f" {counts['safe_linked']:>8}/{safe:<5} ({counts['safe_linked'] / max(safe, 1):.3f})"
        f" {undecided / max(traps + safe, 1):>9.3f}"
    )


if __name__ == "__main__":
    main()

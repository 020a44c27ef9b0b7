"""Word-sense model, cross-validated on its own contrast sets (linker/data/senses/<lang>.tsv).

usage: python benchmarks/sense_eval.py [--folds K] [--verbose]
       python benchmarks/sense_eval.py --unseen [--verbose]

Each context of the sense data is held out in turn (K folds by a hash of its text): the profiles
are built from the other folds only, and the held-out context is scored as a candidate of an offer
selling each sense of its word in turn. When the offer sells the context's own sense, the context is
a safe case (blocking it is over-blocking); when the offer sells another sense, it is a wrong-sense
trap (linking it is the embarrassment). The offer brings no words of its own here, so the figures
are what the contrast sets alone achieve on a one- or two-sentence context (a real scan also reads
the paragraph, the title and the offer's description). Figures are printed, never asserted.

`--unseen` measures the protection of offer words the sense data does not know (leave one WORD
out, `linker/domainsense.py`): for each ambiguous word W, the profiles, domain pools and domain
signals are rebuilt from the other words' rows only (W's lemma also leaves the vocabulary lists),
and each context of W is scored as a candidate of an unknown offer word W whose offer sells label L,
for each label L of W. The offer's own text is simulated by six words of L's vocabulary list
(`data/senses/domains/<lang>.tsv`, picked by a hash; W's lemma removed; a label without a list gets
two contexts of other words with label L): the list is written per label, not from W's contexts,
and W's rows are in neither the offer text nor the signals, so nothing of W leaks. The offer's
labels are then inferred from that text as in a scan (an offer whose labels cannot be inferred is
never blocked: "no domain"). Because list words are also signals, inference is easier here than
from a real description: the figures measure the context decision once the domain is known. A
context of another label linked is a wrong-sense trap; a context of
L blocked is over-blocking. "No protection" (every unknown word links) is 1.000 on both columns.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from linker import domainsense  # noqa: E402
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


def evaluate_unseen(lang: str, verbose: bool = False) -> Counter[str]:
    """Leave-one-word-out counts of the domain check (see the module's docstring)."""
    rows = sense_rows(lang)
    backend = backend_for(lang)
    listed_all = domain_words(lang)
    counts: Counter[str] = Counter()
    for word in sorted({r[0] for r in rows}):
        lemma = backend.lemma(word.lower())
        rest = [r for r in rows if backend.lemma(r[0].lower()) != lemma]
        corpus = build_sense_corpus(rest, lang)
        listed = {label: words - {lemma} for label, words in listed_all.items()}
        pools = domain_profiles(corpus)
        index = domainsense.label_index(domainsense.domain_signals(pools, listed))
        firm = domainsense.domain_signals(pools, listed, domainsense.NEIGHBOUR_POOL_COUNT)
        own_rows = [r for r in rows if r[0] == word]
        for offer_label in sorted({r[1] for r in own_rows}):
            own = [x for x in lemmas_of(simulated_offer(rest, listed, offer_label), backend) if x != lemma]
            labels = domainsense.offer_labels(own, index)
            model = domainsense.DomainModel(lemma, labels, own, firm, index) if labels else None
            for _w, sense, text in own_rows:
                decision = model.decide(lemmas_of(text, backend)) if model else None
                blocked = decision is not None and decision.other_domain
                kind = "safe" if sense == offer_label else "trap"
                counts[kind] += 1
                counts[f"{kind}_linked"] += not blocked
                counts[f"{kind}_undecided"] += model is None
                if verbose and (blocked == (kind == "safe")):
                    what = "BLOCKED" if blocked else "linked"
                    extra = f" {decision.best_label} {decision.other_words}" if decision else ""
                    print(f"  [{lang}] {word}: {sense} {what} for a {offer_label} offer {labels}:{extra}")
                    print(f"      {text}")
    return counts


def simulated_offer(rows: list[tuple[str, str, str]], listed: dict[str, set[str]], label: str) -> str:
    """An offer's text for label `label`: `OFFER_WORDS` words of the label's vocabulary list (by a
    hash), else (a label without a list) two contexts of other words with that label, else nothing."""
    words = sorted(listed.get(label, ()), key=_hash)
    if words:
        return " ".join(words[:OFFER_WORDS])
    contexts = sorted((r[2] for r in rows if r[1] == label), key=_hash)
    return " ".join(contexts[:2])


OFFER_WORDS = 6


def _hash(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


def main_unseen(verbose: bool) -> None:
    """Print the leave-one-word-out figures of the domain check per language."""
    print("Unknown offer words (leave one word out): the domain check of linker/domainsense.py")
    print(f"{'lang':5} {'words':>5} {'traps linked':>18} {'safe linked (recall)':>22} {'no domain':>10}")
    total: Counter[str] = Counter()
    rows = []
    for lang in SENSE_LANGUAGES:
        counts = evaluate_unseen(lang, verbose)
        total.update(counts)
        rows.append((lang, len({r[0] for r in sense_rows(lang)}), counts))
    rows.append(("all", sum(words for _lang, words, _c in rows), total))
    for lang, words, counts in rows:
        print_row(lang, words, counts)
    print("today (no protection: every unknown offer word links)")
    for lang, words, counts in rows:
        print_row(
            lang,
            words,
            Counter(
                trap=counts["trap"],
                trap_linked=counts["trap"],
                safe=counts["safe"],
                safe_linked=counts["safe"],
            ),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--domain-weight", type=float, default=sense_module.DOMAIN_WEIGHT)
    parser.add_argument("--list-weight", type=float, default=sense_module.DOMAIN_LIST_WEIGHT)
    parser.add_argument("--specificity", type=float, default=sense_module.DOMAIN_SPECIFICITY)
    parser.add_argument("--margin", type=float, default=sense_module.MARGIN)
    parser.add_argument("--verbose", action="store_true", help="print every linked trap")
    parser.add_argument("--unseen", action="store_true", help="leave one word out: the domain check")
    args = parser.parse_args()
    if args.unseen:
        main_unseen(args.verbose)
        return
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

"""Context checks: the one registry of them. Each returns the reasons a candidate fails (empty: pass).

Every module in this package is a check module: `load_all` imports them all, and each registers its
checks with `@register(name, scope=...)`, so the registry is the only list of checks there is.
`Policy.checks` chooses which run (all by default). Each check declares its scope, which says what
its verdict depends on and so when it runs:

* "paragraph": only the candidate's paragraph and the document (run once per paragraph);
* "candidate": the candidate's place in the document;
* "sentence": the candidate's sentence as analysed with spaCy (run only after that analysis).

Within a scope, checks run by `order`, then by name.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from linker.candidate import Candidate, Sentence
from linker.reasons import Reason

if TYPE_CHECKING:  # the scan context imports the language model (spaCy); checks only read it
    from linker.scan_context import ScanContext

__all__ = [
    "SCOPES",
    "Candidate",
    "Check",
    "CheckFunction",
    "Reason",
    "load_all",
    "names",
    "register",
    "sentence_reasons",
]

#: A check may return plain code strings ("family:detail"); the linker turns them into Reasons.
CheckFunction = Callable[[Candidate, "ScanContext"], Sequence[Reason | str]]

SCOPES = ("paragraph", "candidate", "sentence")


@dataclass(frozen=True)
class Check:
    name: str
    function: CheckFunction
    scope: str
    order: int = 100


_REGISTRY: dict[str, Check] = {}


def register(name: str, *, scope: str, order: int = 100) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under `name`; `scope` is one of SCOPES."""
    if scope not in SCOPES:
        raise ValueError(f"unknown check scope {scope!r}")

    def decorator(function: CheckFunction) -> CheckFunction:
        _REGISTRY[name] = Check(name, function, scope, order)
        return function

    return decorator


def sentence_reasons(
    candidate: Candidate, ctx: ScanContext, compute: Callable[[Sentence, str], list[Reason]]
) -> list[Reason]:
    """The reasons `compute(sentence, lang)` finds in the candidate's sentence, once per sentence
    and scan (for checks whose verdict does not depend on where the product stands in it)."""
    if candidate.sentence is None:
        return []
    return list(ctx.per_sentence(compute, candidate.sentence))


@cache
def load_all() -> dict[str, Check]:
    """Every check, in running order (importing each module of this package registers its checks)."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    ordered = sorted(_REGISTRY.values(), key=lambda c: (SCOPES.index(c.scope), c.order, c.name))
    return {check.name: check for check in ordered}


def names() -> tuple[str, ...]:
    """The names of every registered check, in running order."""
    return tuple(load_all())

"""Context checks, registered by name. Each returns the reasons a candidate fails (empty: pass).

Checks run in registration order; `Policy.checks` chooses which run. Each declares its scope,
which says what its verdict depends on and so when it runs:

* "paragraph": only the candidate's paragraph and the document (run once per paragraph);
* "candidate": the candidate's place in the document;
* "sentence": the candidate's sentence as analysed with spaCy (run only after that analysis).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from linker.candidate import Candidate
    from linker.core import ScanContext

CheckFunction = Callable[["Candidate", "ScanContext"], list[str]]


@dataclass(frozen=True)
class Check:
    name: str
    function: CheckFunction
    scope: str


REGISTRY: dict[str, Check] = {}


SCOPES = ("paragraph", "candidate", "sentence")


def register(name: str, *, scope: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under `name`; `scope` is one of SCOPES."""
    if scope not in SCOPES:
        raise ValueError(f"unknown check scope {scope!r}")

    def decorator(function: CheckFunction) -> CheckFunction:
        REGISTRY[name] = Check(name, function, scope)
        return function

    return decorator


def load_all() -> dict[str, Check]:
    """Import every check module (registration happens on import)."""
    from linker.checks import complaint, context_model, document, negation, position, sense  # noqa: F401

    return REGISTRY

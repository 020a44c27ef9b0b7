"""Context checks, registered by name. Each returns the reasons a candidate fails (empty: pass).

Checks run in registration order; `Policy.checks` chooses which run. A check marked
`needs_sentence` runs only once the candidate's sentence has been analysed with spaCy.
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
    needs_sentence: bool


REGISTRY: dict[str, Check] = {}


def register(name: str, *, needs_sentence: bool = False) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under `name`."""

    def decorator(function: CheckFunction) -> CheckFunction:
        REGISTRY[name] = Check(name, function, needs_sentence)
        return function

    return decorator


def load_all() -> dict[str, Check]:
    """Import every check module (registration happens on import)."""
    from linker.checks import complaint, document, negation, position, sense  # noqa: F401

    return REGISTRY

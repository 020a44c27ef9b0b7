"""Pause Python's cyclic garbage collector while a scan builds its many short-lived objects.

A scan of a large document keeps its paragraphs, hits and evidence alive until it ends. Every
700 new container objects CPython runs a young collection, and whenever the survivors grow by a
quarter it runs a full one that walks every object in the process: the loaded language models
as well as the scan's own. For a 10 MB HTML document that was four full collections, a sixth of
the scan's time, and the share grows with the document, so time per MB was not constant.

A scan creates no reference cycles of its own that need collecting before it ends (its objects
are freed by reference counting), so the collector is paused for its duration and resumed
after; Mercurial does the same around building large containers (`util.nogc`). When the
collector was already disabled by the host program it stays disabled.

Building a `Linker` is paused too: it makes some 10^5 objects that live as long as the Linker
(forms, terms, index entries), and the young collections that promote them and the full ones
they trigger cost about a tenth of the build.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def collector_paused(function: Callable[P, R]) -> Callable[P, R]:
    """Decorate `function` so that the cyclic garbage collector is paused while it runs."""

    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused

"""Issue #17.2: a time budget stops a scan cleanly, with a `truncated` flag."""

import itertools

import pytest

import linker.core
from linker import Linker, Policy

TEXT = "\n\n".join(["You do not need an extended warranty for this machine."] * 50)


@pytest.fixture
def clock(monkeypatch):
    """time.monotonic() as seen by the linker: one second per call."""
    ticks = itertools.count()
    monkeypatch.setattr(linker.core.time, "monotonic", lambda: float(next(ticks)))


def test_without_a_budget_every_mention_is_examined(linker):
    result = linker.scan(TEXT, lang="en")
    assert len(result.blocked) == 50 and not result.truncated
    assert "truncated" not in result.to_dict()


def test_the_budget_stops_the_scan_with_a_flag(linker, clock):
    result = linker.scan(TEXT, lang="en", time_budget=5)
    assert result.truncated and result.to_dict()["truncated"] is True
    assert 0 < len(result.blocked) < 50
    assert any(w.startswith("time budget exceeded") for w in result.warnings)


def test_the_budget_works_for_html_and_keeps_the_html(offers, clock):
    small = Linker(offers, Policy(max_links=50), languages=["en"])
    html = "".join(f"<p>A new router, grill and tablet screen {i}.</p>" for i in range(20))
    result = small.scan_html(html, lang="en", time_budget=3)
    assert result.truncated and result.html is not None
    assert result.html.count('rel="sponsored') == len(result.links) > 0

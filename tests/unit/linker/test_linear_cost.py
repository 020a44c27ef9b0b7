"""Scans of large documents stay linear: no garbage-collector passes over the whole heap
while a scan runs, and the collector is left as the host program set it."""

import gc

import pytest

PARAGRAPH = "<h2>Step</h2><p>Clean <b>the filter</b> every month. Check the <a href='/x'>door seal</a>.</p>"


@pytest.fixture
def collections():
    counted: list[int] = []

    def count(phase, info):
        if phase == "start":
            counted.append(info["generation"])

    gc.callbacks.append(count)
    yield counted
    gc.callbacks.remove(count)


@pytest.mark.parametrize("kind", ["text", "html"])
def test_a_large_scan_runs_no_garbage_collection(linker, collections, kind):
    gc.collect()
    collections.clear()
    if kind == "html":
        linker.scan_html(PARAGRAPH * 3000, lang="en")
    else:
        linker.scan("Clean the filter every month. Check the door seal.\n\n" * 20000, lang="en")
    assert collections == []


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_left_as_it_was(linker, enabled):
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        linker.scan("Clean the filter.", lang="en")
        linker.scan_html("<p>Clean the filter.</p>", lang="en")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_the_collector_comes_back_when_a_scan_fails(linker):
    with pytest.raises(AttributeError):
        linker.scan(None, lang="en")
    assert gc.isenabled()


def test_building_a_linker_runs_no_garbage_collection(collections):
    from linker import Linker

    offers = [
        {"id": f"o{n}", "title": "Router", "url": "https://x", "phrases": {"en": [f"router {n}"]}}
        for n in range(50)
    ]
    gc.collect()
    collections.clear()
    built = Linker(offers, languages=["en"])
    assert collections == []
    assert gc.isenabled()
    assert built.scan("A router 7 here.", lang="en").lang == "en"

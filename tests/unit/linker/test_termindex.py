"""The term index: the lazy offer search and the separator mapping agree with their plain definitions."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linker.lemmas import backend_for
from linker.termindex import Hit, Term, TermIndex
from linker.text import fold

PHRASES = ["washing machine", "washing", "machine", "machine learning", "car", "car wash", "wash", "router"]
# phrases and their words side by side, so that overlapping candidates are frequent
PIECES = [*PHRASES, *{w for p in PHRASES for w in p.split()}, "the", "cars", "routers", ",", ".", "-", "_"]


@pytest.fixture(scope="module")
def index() -> TermIndex:
    index = TermIndex(backend_for("en"))
    for phrase in PHRASES:
        index.add(phrase, Term("offer", phrase, phrase))
    return index.build()


def reference_spans(hits: list[Hit]) -> list[Hit]:
    """The definition: document order, the longest of hits at one start, no overlaps."""
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if not kept or hit.start >= kept[-1].end:
            kept.append(hit)
    return kept


# long enough texts (up to 300 words) that `spans` sorts and hands out its hits many times
texts = st.lists(st.sampled_from(PIECES), max_size=300).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_lazy_spans_equal_the_sorted_definition(index, text):
    prepared = TermIndex.prepare(fold(text))
    assert list(index.spans(prepared)) == reference_spans(index.find(prepared))


def test_spans_prefer_the_longest_phrase_and_find_every_form(index):
    text = "The Washing Machines, and a car wash; cars."
    prepared = TermIndex.prepare(fold(text))
    found = [(text[h.start : h.end], h.term.key) for h in index.spans(prepared)]
    assert found == [("Washing Machines", "washing machine"), ("car wash", "car wash"), ("cars", "car")]


@given(text=st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_separator_table_matches_the_regex(text):
    folded = fold(text)
    expected = " " + re.sub(r"[^\w]|_", " ", folded) + " "
    assert TermIndex.prepare(folded) == expected


@given(text=st.text())
def test_prepare_keeps_offsets_for_any_text(text):
    folded = fold(text)
    prepared = TermIndex.prepare(folded)
    assert len(prepared) == len(folded) + 2
    assert prepared == " " + re.sub(r"[^\w]|_", " ", folded) + " "


@pytest.mark.parametrize("filler", range(80))
def test_a_longer_phrase_found_after_a_flush_still_wins(index, filler):
    # after `filler` words the search sorts what it has found just as "washing" comes in
    text = "the " * filler + "washing machine and a car wash"
    prepared = TermIndex.prepare(fold(text))
    found = [text[h.start : h.end] for h in index.spans(prepared)]
    assert found == ["washing machine", "car wash"]


@settings(max_examples=200, deadline=None)
@given(text=texts, slice_size=st.integers(1, 40), start=st.integers(0, 30))
def test_searching_in_slices_finds_what_one_search_finds(index, text, slice_size, start):
    import linker.termindex as termindex

    prepared = TermIndex.prepare(fold(text))
    whole = index.find(prepared, start)
    saved = termindex.MATCH_SLICE
    termindex.MATCH_SLICE = slice_size  # keys straddle the slice boundaries
    try:
        assert index.find(prepared, start) == whole
    finally:
        termindex.MATCH_SLICE = saved

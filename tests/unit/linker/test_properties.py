"""Properties that hold for any input (hypothesis)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.linker.test_html import text_of

WORDS = [
    "router",
    "washing",
    "machine",
    "pralki",
    "нож",
    "kávovar",
    "died",
    "not",
    "<p>",
    "</p>",
    "<h2>",
    "</h2>",
    "<a href='x'>",
    "</a>",
    "&amp;",
    "&lt;",
    "<b>",
    "\n\n",
    "!",
    ".",
    "<br>",
    "<!--",
    "-->",
]
mixed_text = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=8)), max_size=40).map(" ".join)
languages = st.sampled_from([None, "en", "pl", "cs", "ru"])
fast = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@fast
@given(text=st.one_of(st.text(), mixed_text), lang=languages)
def test_scan_never_raises_and_offsets_slice_the_input(linker, text, lang):
    result = linker.scan(text, lang=lang)
    for item in [*result.links, *result.blocked]:
        assert text[item.start : item.end] == item.text


@fast
@given(html=st.one_of(st.text(), mixed_text), lang=languages)
def test_scan_html_keeps_the_text_content(linker, html, lang):
    result = linker.scan_html(html, lang=lang)
    assert text_of(result.html) == text_of(html)
    assert len(result.links) <= 3


MIXED = st.text(alphabet=st.sampled_from(list("aoxcKM рсоеКМ1_-. \u200b\u00ad\u0301\u0483\n")), max_size=60)


@fast
@given(text=MIXED)
def test_normalize_examines_every_word_that_needs_cleaning(text):
    """Only the words a one-pass regex marks as suspect are examined: the edits equal those of
    examining every word."""
    from linker.normalize import _WORD, _suspect_words, _word_edits

    every = [e for m in _WORD.finditer(text) for e in _word_edits(m.group(), m.start())]
    suspect = [e for m in _suspect_words(text) for e in _word_edits(m.group(), m.start())]
    assert suspect == every

"""Issue #13.6: the lexicon's forms are shipped precomputed and give the same index."""

import itertools
from pathlib import Path

import pytest

from linker.formcache import render, shipped_forms
from linker.lemmas import SUPPORTED_LANGUAGES, OfferWords, backend_for

OUT = Path(__file__).resolve().parents[3] / "linker" / "data" / "forms"  # where the script writes


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_the_shipped_file_is_what_the_script_computes(lang):
    shipped = (OUT / f"{lang}.tsv").read_text("utf-8")
    assert shipped == render(backend_for(lang)), "run scripts/build_linker_forms.py"
    assert shipped_forms(lang), "the file must be read (same dictionary versions)"


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_shipped_forms_equal_computed_forms_with_offer_words_adopted(lang):
    shipped = shipped_forms(lang)
    words = OfferWords(backend_for(lang))
    # offer words taken from the lexicon's own forms: some of them take forms of lexicon lemmas
    for form in itertools.islice(sorted(set().union(*shipped.values())), 0, None, 7):
        words.adopt(form)
    taken = [form for form, owner in words._overrides.items() for forms in shipped.values() if form in forms]
    assert taken, "the adopted words must reach into the lexicon's forms"
    lemmas = sorted(shipped)
    assert words.forms(lemmas) == words.forms(lemmas, words.lemma)  # with `lemma`: computed


def test_a_stale_file_is_ignored(monkeypatch):
    monkeypatch.setattr("linker.formcache.versions", lambda lang: "simplemma=0.0")
    shipped_forms.cache_clear()
    try:
        assert shipped_forms("en") == {}
    finally:
        shipped_forms.cache_clear()

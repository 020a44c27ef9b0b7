"""Issue #13.6: the lexicon index's keys are shipped expanded and give the same index."""

import gzip
import itertools
from pathlib import Path

import pytest

from linker import lexkeys
from linker.formcache import shipped_forms
from linker.lemmas import SUPPORTED_LANGUAGES, OfferWords, backend_for
from linker.model import LanguageModel
from linker.offers import offers_from

OUT = Path(__file__).resolve().parents[3] / "linker" / "data" / "forms"  # where the script writes


def _offers(lang: str, phrases: list[str]) -> list:
    return offers_from(
        [
            {"id": f"o{n}", "title": p, "url": "https://x", "phrases": {lang: [p]}}
            for n, p in enumerate(phrases)
        ]
    )


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_the_shipped_file_is_what_the_script_computes(lang):
    shipped = gzip.decompress((OUT / f"{lang}.keys.gz").read_bytes()).decode()
    assert shipped == gzip.decompress(lexkeys.render(OfferWords(backend_for(lang)))).decode(), (
        "run scripts/build_linker_forms.py"
    )
    assert len(lexkeys.shipped_keys(lang)) > 100, "the file must be read (same dictionaries and forms)"


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_the_index_is_the_computed_one_with_offer_words_adopted(lang, monkeypatch):
    # offer words taken from the lexicon's own forms take some of them away from lexicon lemmas;
    # words of lexicon phrases that are lemmas of their own ("licking" is read as "lick", "падла"
    # as "падло") are then read as themselves, with forms the lexicon's lemma does not list
    forms = sorted(set().union(*shipped_forms(lang).values()))
    own = ["licking", "straight", "wrapping", "ci", "падла", "kill", "bloody hell", "zabić", "убить"]
    offers = _offers(lang, [*itertools.islice(forms, 0, None, 11), *own])
    used = []
    cores = lexkeys.ShippedKeys.cores
    monkeypatch.setattr(
        lexkeys.ShippedKeys, "cores", lambda self, *a: used.append(cores(self, *a)) or used[-1]
    )
    shipped = LanguageModel(lang, offers, ("blood*", "kill"))
    from_file = sum(found is not None for found in used)
    assert 0 < from_file < len(used), "some phrases read the file, the changed ones are computed"
    monkeypatch.setattr(lexkeys.ShippedKeys, "cores", lambda self, *a: None)
    computed = LanguageModel(lang, offers, ("blood*", "kill"))
    assert list(shipped.index._entries.items()) == list(computed.index._entries.items())
    assert list(shipped.index._bare.items()) == list(computed.index._bare.items())


def test_a_stale_file_is_ignored(monkeypatch):
    for stale in ("linker.lexkeys.versions", "linker.lexkeys.forms_digest"):
        with monkeypatch.context() as patched:
            patched.setattr(stale, lambda lang: "simplemma=0.0")
            lexkeys.shipped_keys.cache_clear()
            try:
                assert lexkeys.shipped_keys("en") == {}
                model = LanguageModel("en", [])
                assert (
                    model.index._entries and lexkeys.ShippedKeys(model.words).cores("suicide", False) is None
                )
            finally:
                lexkeys.shipped_keys.cache_clear()
    assert lexkeys.shipped_keys("en")

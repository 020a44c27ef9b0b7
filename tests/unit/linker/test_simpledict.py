"""Issue #13.6: simplemma's dictionaries are loaded once and read faster, with the same lemmas."""

import itertools

import pytest
import simplemma

from linker.lemmas import GUESSED_ENDINGS, backend_for
from linker.simpledict import shared_dictionaries


@pytest.mark.parametrize("lang", ["en", "cs"])
def test_lemmas_are_simplemmas_own(lang):
    backend = backend_for(lang)
    stored = [key.decode() for key in itertools.islice(backend._dictionary._dict, 0, 40_000, 199)]
    # unknown words too: the guessed forms go through simplemma's rules and affix search
    words = stored + [word + ending for word in stored[:60] for ending in GUESSED_ENDINGS["cs"]]
    words += ["Praha", "Routers", "pračka-sušička", "x", "123", "ŽLUŤOUČKÝ", "e-mail", "don't"]
    different = [w for w in words if backend._lemma(w) != simplemma.lemmatize(w, lang=lang).lower()]
    assert not different


@pytest.mark.parametrize("lang", ["en", "cs"])
def test_lookups_answer_as_the_stock_mapping(lang):
    fast = shared_dictionaries().get_dictionary(lang)
    stock = simplemma.strategies.DefaultDictionaryFactory().get_dictionary(lang)
    first = next(iter(fast))
    for word in (first, first.upper(), first + "qqq", "", "zzzzqqq"):
        assert fast.get(word) == stock.get(word)
        assert (word in fast) == (word in stock)
    assert fast.get("zzzzqqq", "default") == "default"
    assert 42 not in fast


def test_one_dictionary_per_language():
    dictionaries = shared_dictionaries()
    assert dictionaries.get_dictionary("cs") is dictionaries.get_dictionary("cs")
    assert backend_for("cs")._dictionary is dictionaries.get_dictionary("cs")
    with pytest.raises(ValueError):
        dictionaries.get_dictionary("xx")

"""simplemma's dictionaries, loaded once per process and read with C-level lookups.

`simplemma.lemmatize` reads its own module-level factory, and a backend that also read the
dictionary through a `DefaultDictionaryFactory()` of its own loaded every dictionary twice
(about 0.1 s and tens of MB each). Here one factory serves both the backend and its
`Lemmatizer`. Its mappings answer `get` and `in` with one dict lookup: the stock wrapper
goes through `Mapping.get`, which raises and catches a `KeyError` for every unknown word,
and the stock factory scans its list of languages and wraps the dict again on every lookup.
The data and the strategies are simplemma's own, so every lemma is the one
`simplemma.lemmatize` gives.
"""

from __future__ import annotations

from functools import cache

from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries.dictionary_factory import (
    DefaultDictionaryFactory,
    DictionaryFactory,
    MappingStrToByteString,
)


class FastMapping(MappingStrToByteString):
    """simplemma's bytes dictionary as str -> str, with `get` and `in` as single dict lookups."""

    __slots__ = ()

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        value = self._dict.get(key.encode())
        return default if value is None else value.decode()

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.encode() in self._dict


class SharedDictionaries(DictionaryFactory):
    """Each language's dictionary loaded once (by simplemma's own loader) and wrapped once."""

    def __init__(self) -> None:
        self._loader = DefaultDictionaryFactory()
        self._wrapped: dict[str, FastMapping] = {}

    def get_dictionary(self, lang: str) -> FastMapping:
        """The dictionary of `lang` (ValueError for a language simplemma does not have)."""
        found = self._wrapped.get(lang)
        if found is None:
            stock = self._loader.get_dictionary(lang)
            found = self._wrapped[lang] = FastMapping(stock._dict)
        return found


def lemmatizer(dictionaries: SharedDictionaries) -> Lemmatizer:
    """A lemmatizer configured as `simplemma.lemmatize` (not greedy) reading `dictionaries`."""
    # no cache of its own: the backend keeps one
    strategy = DefaultStrategy(dictionary_factory=dictionaries)
    return Lemmatizer(cache_max_size=0, lemmatization_strategy=strategy)


@cache
def shared_dictionaries() -> SharedDictionaries:
    """The process's one factory (dictionaries are read-only once loaded)."""
    return SharedDictionaries()

"""The in-process cache stays bounded (least recently used entries go first) and forgets expired keys."""

from portal.cache import MemoryCache


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_least_recently_used_entry_goes_when_full():
    store = MemoryCache(limit=2)
    store.set("a", "1")
    store.set("b", "2")
    assert store.get("a") == "1"  # "a" is now the most recently used
    store.set("c", "3")
    assert store.get("b") is None and store.get("a") == "1" and store.get("c") == "3"
    assert len(store) == 2


def test_entries_expire_after_their_ttl():
    clock = Clock()
    store = MemoryCache(clock=clock)
    store.set("page", "html", ttl=10)
    clock.now = 9.5
    assert store.get("page") == "html"
    clock.now = 10.5
    assert store.get("page") is None and len(store) == 0


def test_delete_forgets_a_key():
    store = MemoryCache()
    store.set("k", "v")
    store.delete("k")
    store.delete("missing")
    assert store.get("k") is None

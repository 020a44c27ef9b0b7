"""Whole pages memoised for every reader they look the same to, with the reader's values in slots.

A page is rendered once with `chrome.render_with_slots` (the user's name, the current path and
the CSRF tokens left as slots) and kept under a key that holds everything else it shows: the
caller's part (which data, which generations, whose page) plus the header's variant (role's
navigation, endpoint, logged in or not). Each view fills the slots for its reader. A page with
flashed messages waiting, or without a key, is rendered for this request only.

Each worker keeps its own pages (`local_pages`, bounded by their size) unless the caller passes
a shared store; keys that must follow other workers' writes carry *shared*
generations (portal/cache_events.py), so a worker never serves a page older than the last commit.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, session
from flask_login import current_user

from portal import chrome
from portal.cache import MemoryCache, RedisCache
from portal.kb import fragments
from portal.templating import navigation

#: Characters of memoised pages one worker keeps (least recently used go first): a queue page is
#: 20-40 KB, more with thousands of tags; ~32 MB of text per worker at most.
LOCAL_PAGES_CHARS = 32_000_000
#: A page longer than this is served but not kept (it would push out hundreds of others).
PAGE_MAX_CHARS = 1_000_000
#: Where an app keeps them (`app.extensions`).
STORE = "page_memo"


def local_pages() -> MemoryCache[str]:
    """This app's (this worker's) store of memoised pages, bounded by their characters."""
    found = current_app.extensions.get(STORE)
    if found is None:
        found = current_app.extensions[STORE] = MemoryCache(limit=LOCAL_PAGES_CHARS, weigh=len)
    return found


def keepable(page: str, seconds: float) -> bool:
    """Whether a rendered page may be kept: it stays true a while and is not huge."""
    return seconds > 0 and len(page) <= PAGE_MAX_CHARS


def serve(
    key: str | None,
    render: Callable[[], tuple[str, float]],
    store: MemoryCache[str] | RedisCache | None = None,
) -> str:
    """The page under `key` (plus the header's variant) with this reader's values filled in.

    On a miss `render()` gives the page with slots and the seconds it stays true (0 or less:
    not kept). `store` defaults to this worker's `local_pages()`.
    """
    user = current_user._get_current_object()
    if key is None or session.get("_flashes"):  # flashed messages are shown once: never kept
        return chrome.fill_slots(render()[0], user)
    key = fragments.page_key(key, *chrome.header_variant(user, navigation()))
    store = local_pages() if store is None else store
    page = store.get(key)
    if page is None:
        page, seconds = render()
        if keepable(page, seconds):
            store.set(key, page, ttl=seconds)
    return chrome.fill_slots(page, user)

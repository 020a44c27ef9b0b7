"""The page header's parts, built once per app and reused: they cost ~1 ms per page otherwise.

The navigation list and the language picker depend only on the language, the links the user's
role may see and the current endpoint, never on who the user is; they are memoised per app (a
bounded LRU in `app.extensions`, so each app and test has its own). The parts that are personal
or per request (the user's name, the CSRF token, the current path) are never memoised: templates
write them around these parts.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock

from flask import Flask, current_app, request, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

#: Distinct header parts kept per app (locales x role views x endpoints stays far below this).
CHROME_LIMIT = 4096


class Memo:
    """A bounded, thread-safe LRU of rendered parts (values never depend on the user)."""

    def __init__(self, limit: int = CHROME_LIMIT) -> None:
        self._items: OrderedDict[Hashable, Markup] = OrderedDict()
        self._limit = limit
        self._lock = Lock()

    def get_or_build(self, key: Hashable, build: Callable[[], Markup]) -> Markup:
        """The part under `key`, built by `build()` on first use."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        value = build()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._limit:
                self._items.popitem(last=False)
        return value


def memo(app: Flask | None = None) -> Memo:
    """The app's memo of header parts, created on first use."""
    app = app or current_app
    found = app.extensions.get("chrome_memo")
    if found is None:
        found = app.extensions["chrome_memo"] = Memo()
    return found


def nav_list(entries: list[tuple[str, object]], locale: str) -> Markup:
    """The navigation `<li>` items for `entries` (endpoint, label), marking the current page."""
    endpoints = tuple(endpoint for endpoint, _label in entries)
    key = ("nav", locale, request.script_root, request.endpoint, endpoints)

    def build() -> Markup:
        item, mark = Markup('<li><a href="{}"{}>{}</a></li>'), Markup(' aria-current="page"')
        return Markup("\n").join(
            item.format(url_for(endpoint), mark if request.endpoint == endpoint else "", str(label))
            for endpoint, label in entries
        )

    return memo().get_or_build(key, build)


def language_select(locale: str) -> Markup:
    """The language picker's `<select>` with `locale` selected (its form's token is written apart)."""

    def build() -> Markup:
        from portal.auth.forms import LanguageForm

        form = LanguageForm(formdata=None, data={"locale": locale}, meta={"csrf": False})
        return form.locale(id="locale", class_="js-autosubmit")  # WTForms escapes and returns Markup

    return memo().get_or_build(("language", locale), build)


def csrf_field() -> Markup:
    """The hidden CSRF input of a form, with this request's token (Flask-WTF makes it once per request)."""
    name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    return Markup('<input id="{0}" name="{0}" type="hidden" value="{1}">').format(name, generate_csrf())

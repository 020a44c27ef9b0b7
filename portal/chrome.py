"""The page header, built once per app and reused: rendering it cost ~1 ms on every page.

The header (templates/_site_header.html) depends only on the language, the links the user's role
may see, the current endpoint and whether someone is logged in, never on who the user is; it is
memoised per app (a bounded LRU in `app.extensions`, so each app and test has its own) with
slots for the three values that are personal or per request (the user's name, the current path,
the CSRF token), which are filled in, escaped, on every page. Static file URLs are memoised too.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any, TypeVar

from flask import Flask, current_app, render_template, request, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

T = TypeVar("T")
#: The per-request values' places in a memoised header: NUL never occurs in rendered text.
SLOT = re.compile("\x00(name|path|token)\x00")
HIDDEN = Markup('<input id="{0}" name="{0}" type="hidden" value="{1}">')
#: Distinct header parts kept per app (locales x role views x endpoints stays far below this).
CHROME_LIMIT = 4096


class Memo:
    """A bounded, thread-safe LRU of rendered parts and label tables (never dependent on the user)."""

    def __init__(self, limit: int = CHROME_LIMIT) -> None:
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._limit = limit
        self._lock = Lock()

    def get_or_build(self, key: Hashable, build: Callable[[], T]) -> T:
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
    return Markup('<input id="{0}" name="{0}" type="hidden" value="{1}">').format(
        _field_name(), generate_csrf()
    )


def site_header(user, entries: list[tuple[str, object]], locale: str) -> Markup:
    """The site header for `user` (navigation `entries`, language `locale`), with their values filled in."""
    authenticated = bool(user.is_authenticated)
    endpoints = tuple(endpoint for endpoint, _label in entries)
    key = ("header", locale, request.script_root, request.endpoint, endpoints, authenticated)

    def build() -> Markup:
        token = HIDDEN.format(_field_name(), "\x00token\x00")
        return Markup(  # noqa: S704 - the output of an autoescaping template
            render_template(
                "_site_header.html",
                nav=nav_list(entries, locale),
                picker=language_select(locale),
                authenticated=authenticated,
                user_name="\x00name\x00",
                next_path="\x00path\x00",
                token=token,
            )
        )

    values = {
        "name": escape(user.name) if authenticated else "",
        "path": escape(request.full_path.rstrip("?")),
        "token": escape(generate_csrf()),
    }
    shell = memo().get_or_build(key, build)
    # one pass, so a filled-in value is never scanned for slots again; every value is escaped
    return Markup(SLOT.sub(lambda slot: values[slot.group(1)], shell))  # noqa: S704


def static_url(filename: str) -> str:
    """`url_for("static", filename=...)`, memoised per app and script root."""
    return memo().get_or_build(
        ("static", request.script_root, filename), lambda: url_for("static", filename=filename)
    )


def _field_name() -> str:
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")

"""The page header, built once per app and reused: rendering it cost ~1 ms on every page.

The header (templates/_site_header.html) depends only on the language, the links the user's role
may see, the current endpoint and whether someone is logged in, never on who the user is; it is
memoised per app (a bounded LRU in `app.extensions`, so each app and test has its own) with
slots for the three values that are personal or per request (the user's name, the current path,
the CSRF token), which are filled in, escaped, on every page. Static file URLs are memoised too.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any, TypeVar

from flask import Flask, current_app, g, render_template, request, session, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from portal.cache import MemoryCache

T = TypeVar("T")
#: The per-request values filled into memoised text (see `slot`).
SLOT_NAMES = ("name", "path", "token")
#: Set on `g` while a page is rendered for memoising (personal values stay slots).
SLOTS_KEPT = "_chrome_slots_kept"
HIDDEN = Markup('<input id="{0}" name="{0}" type="hidden" value="{1}">')
#: Distinct header parts kept per app (locales x role views x endpoints stays far below this).
CHROME_LIMIT = 4096
#: Signed CSRF tokens a worker keeps (one per recent session), and for how long.
CSRF_MEMO_LIMIT = 10000
CSRF_MEMO_SECONDS = 3600


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
    return Markup('<input id="{0}" name="{0}" type="hidden" value="{1}">').format(_field_name(), csrf_value())


def signed_csrf() -> str:
    """Flask-WTF's `generate_csrf()`, reusing the signed token this worker made before for the
    session's raw token (signing costs a twentieth of a cached page).

    Only while tokens never expire (WTF_CSRF_TIME_LIMIT None, the portal's setting): a token
    signed earlier then validates exactly like a new one. Keyed by the session's raw secret, so a
    session only ever gets a token made for its own secret.
    """
    field = _field_name()
    raw = session.get(field)
    if field in g or not isinstance(raw, str) or current_app.config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return generate_csrf()
    tokens = current_app.extensions.get("csrf_signed")
    if tokens is None:
        tokens = current_app.extensions["csrf_signed"] = MemoryCache(limit=CSRF_MEMO_LIMIT)
    signed = tokens.get(raw)
    if signed is None:
        signed = generate_csrf()
        tokens.set(raw, signed, ttl=CSRF_MEMO_SECONDS)
    else:
        setattr(g, field, signed)  # where Flask-WTF looks first for the rest of the request
    return signed


def site_header(user, entries: list[tuple[str, object]], locale: str) -> Markup:
    """The site header for `user` (navigation `entries`, language `locale`), with their values filled in."""
    authenticated = bool(user.is_authenticated)
    endpoints = tuple(endpoint for endpoint, _label in entries)
    key = ("header", locale, request.script_root, request.endpoint, endpoints, authenticated)

    def build() -> Markup:
        token = HIDDEN.format(_field_name(), slot("token"))
        return Markup(  # noqa: S704 - the output of an autoescaping template
            render_template(
                "_site_header.html",
                nav=nav_list(entries, locale),
                picker=language_select(locale),
                authenticated=authenticated,
                user_name=slot("name"),
                next_path=slot("path"),
                token=token,
            )
        )

    shell = memo().get_or_build(key, build)
    if g.get(SLOTS_KEPT):  # a whole page memoised: its slots are filled in when it is served
        return shell
    return Markup(fill_slots(shell, user))  # noqa: S704


def fill_slots(text: str, user) -> str:
    """`text` with the user's name, the current path and the CSRF token in its slots, escaped."""
    values = {
        "name": escape(user.name) if user.is_authenticated else "",
        "path": escape(request.full_path.rstrip("?")),
        "token": escape(signed_csrf()),
    }
    # one pass, so a filled-in value is never scanned for slots again; every value is escaped
    return _slots()[0].sub(lambda found: values[found.group(1)], text)


def slot(name: str) -> str:
    """The marker of per-request value `name` ("name", "path" or "token") in memoised text.

    NUL-delimited and keyed by a value derived from the secret key: no content (an article title)
    can hold a marker and receive another reader's CSRF token, and every worker sharing a page
    cache (Redis) uses the same markers (a random per-process one would not fill other workers'
    pages).
    """
    return _slots()[1][name]


def _slots() -> tuple[re.Pattern[str], dict[str, str]]:
    """The app's slot pattern and markers, made once per app."""
    found = current_app.extensions.get("chrome_slots")
    if found is None:
        secret = current_app.config["SECRET_KEY"].encode()
        mark = hmac.new(secret, b"page-slot-marker", hashlib.sha256).hexdigest()[:20]
        markers = {name: f"\x00{mark}:{name}\x00" for name in SLOT_NAMES}
        found = (re.compile(f"\x00{mark}:({'|'.join(SLOT_NAMES)})\x00"), markers)
        current_app.extensions["chrome_slots"] = found
    return found


def current_path() -> str:
    """The path and query of this request (a slot while a page is memoised)."""
    if not request:
        return "/"
    return slot("path") if g.get(SLOTS_KEPT) else request.full_path.rstrip("?")


def csrf_value() -> str:
    """This request's CSRF token for a form's hidden field (a slot while a page is memoised)."""
    return slot("token") if g.get(SLOTS_KEPT) else signed_csrf()


def header_variant(user, entries: list[tuple[str, object]]) -> tuple:
    """What the site header of this request depends on besides the language (see `site_header`)."""
    return (
        request.script_root,
        request.endpoint,
        tuple(endpoint for endpoint, _label in entries),
        bool(user.is_authenticated),
    )


def render_with_slots(template: str, **context: Any) -> str:
    """`template` rendered with the header's and forms' personal values left as slots: the page
    can be memoised for every reader it looks the same to, and filled in by `fill_slots`."""
    outer = g.get(SLOTS_KEPT, False)
    setattr(g, SLOTS_KEPT, True)
    try:
        return render_template(template, **context)
    finally:
        setattr(g, SLOTS_KEPT, outer)  # a nested render never switches slots off for the outer one


def static_url(filename: str) -> str:
    """`url_for("static", filename=...)`, memoised per app and script root."""
    return memo().get_or_build(
        ("static", request.script_root, filename), lambda: url_for("static", filename=filename)
    )


def _field_name() -> str:
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")

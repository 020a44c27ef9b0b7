"""Rows of the request lists (customer list, staff queue), each rendered once per shown value.

A table row rendered in Jinja with several filters and labels costs a fraction of a millisecond,
and a list page shows 20-25 of them on every view. A row template receives one frozen row object
holding exactly the values it shows (loaded fresh from the database on every page view), so its
HTML is a pure function of that object and of the reader's language, time zone and status wording
and the script root. It is memoised per app under a key made of all of them: a changed request, a
renamed customer, a new tag or a request becoming overdue is a new key, never a stale row, and no
row can carry one reader's data to another (row templates get no session values, no tokens).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable

from flask import current_app, request
from markupsafe import Markup

from portal import chrome, formats
from portal.templating import status_table

#: Rendered rows kept per app (a few hundred KB; least recently shown ones go first).
ROWS_LIMIT = 20_000
#: Longest text in a fragment's key (search boxes echo what was typed; longer is not kept).
KEY_TEXT_MAX = 200


def _memo() -> chrome.Memo:
    found = current_app.extensions.get("request_rows_memo")
    if found is None:
        found = current_app.extensions["request_rows_memo"] = chrome.Memo(ROWS_LIMIT)
    return found


def reader_key() -> tuple[str, str, str, str]:
    """Everything besides the row itself that a row's HTML depends on, for this request."""
    locale, zone = formats.reader()
    return (request.script_root, locale, zone, status_table())


def render_rows(template_name: str, rows: Iterable[Hashable]) -> list[Markup]:
    """Each row rendered by `template_name` (which sees only `r`, the row, and template globals)."""
    memo, reader = _memo(), reader_key()
    template = current_app.jinja_env.get_template(template_name)
    return [
        memo.get_or_build(
            (template_name, reader, row),
            lambda row=row: Markup(template.render(r=row)),  # noqa: S704 - autoescaping template
        )
        for row in rows
    ]


def render_fragment(template_name: str, constants: dict | None = None, **values: Hashable) -> Markup:
    """`template_name` rendered with `values` (hashable: they are the key) and `constants`
    (values fixed for the app's life, such as label tables: not part of the key).

    Values holding text longer than KEY_TEXT_MAX (typed by a visitor) are rendered, not kept.
    """

    def build() -> Markup:
        template = current_app.jinja_env.get_template(template_name)
        return Markup(template.render(**(constants or {}), **values))  # noqa: S704 - autoescaping template

    if not all(_small(value) for value in values.values()):
        return build()
    return _memo().get_or_build((template_name, reader_key(), tuple(sorted(values.items()))), build)


def _small(value: object) -> bool:
    if isinstance(value, str):
        return len(value) <= KEY_TEXT_MAX
    if isinstance(value, tuple):
        return all(_small(item) for item in value)
    return True


def render_once(key: Hashable, build: Callable[[], str]) -> Markup:
    """`build()` memoised under `key` and the reader's key (for parts rendered by WTForms)."""
    return _memo().get_or_build((key, reader_key()), lambda: Markup(build()))  # noqa: S704

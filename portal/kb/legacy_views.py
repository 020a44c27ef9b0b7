"""Addresses from before the knowledge base had one address per language: they redirect.

Articles move permanently (301) to the reader's version of the slug; the index, categories and
search go (302) to the reader's language, which may change. Targets are built with url_for, so
they are always on this site; query strings are carried over re-encoded, never as a URL.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, url_for
from flask_babel import get_locale

from portal.db import get_session
from portal.kb import addresses

bp = Blueprint("kb_legacy", __name__, url_prefix="/kb")
#: The answers vary with the reader's language: by session cookie or Accept-Language.
VARY = ("Cookie", "Accept-Language")


def _reader_locale() -> str:
    return str(get_locale() or "en")


def _moved(path: str, code: int):
    response = redirect(addresses.with_query(path), code)
    response.vary.update(VARY)
    return response


@bp.route("")
def index():
    return _moved(url_for("kb.index", locale=_reader_locale()), 302)


@bp.route("/c/<path:slug>")
def category(slug: str):
    return _moved(url_for("kb.category", locale=_reader_locale(), slug=slug[:80]), 302)


@bp.route("/a/<path:slug>")
def article(slug: str):
    found = addresses.reader_article(get_session(), slug[:120], _reader_locale())
    if found is None:
        abort(404)
    return _moved(addresses.article_url(found), 301)


@bp.route("/search")
def search():
    return _moved(url_for("kb.search", locale=_reader_locale()), 302)

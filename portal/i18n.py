"""Language selection: the user's setting, then the picker, then Accept-Language."""

from __future__ import annotations

from babel import support
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user
from wtforms.i18n import messages_path


def select_locale() -> str:
    """Return the locale code for this request."""
    supported = current_app.config["SUPPORTED_LOCALES"]
    if not has_request_context():  # CLI commands and background jobs (mail uses force_locale)
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in supported:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in supported:
        return chosen
    return request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]


class FormMessages:
    """WTForms' own messages ("This field is required.") in the request's language.

    Flask-WTF reads WTForms' catalog from disk on every request that renders a form (~0.4 ms);
    this loads each language's catalog once per app and is given to Flask-WTF through the
    attribute it looks for (`request.wtforms_translations`). Resolved only when a message is
    translated, so requests without forms do not pick a language early.
    """

    def __init__(self, catalogs: dict[str, support.Translations]) -> None:
        self._catalogs = catalogs

    def _catalog(self) -> support.Translations:
        locale = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
        if locale not in self._catalogs:
            self._catalogs[locale] = support.Translations.load(messages_path(), [locale], domain="wtforms")
        return self._catalogs[locale]

    def ugettext(self, string: str) -> str:
        return self._catalog().ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalog().ungettext(singular, plural, n)


def init_app(app: Flask) -> None:
    """Give every request the app's WTForms catalogs (one per supported language)."""
    catalogs: dict[str, support.Translations] = {}

    @app.before_request
    def _form_messages() -> None:
        request.wtforms_translations = FormMessages(catalogs)

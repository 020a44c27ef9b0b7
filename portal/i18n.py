"""Language selection: the user's setting, then the picker, then Accept-Language."""

from __future__ import annotations

from babel import support
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale, get_translations
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


def request_catalog() -> support.NullTranslations:
    """Flask-Babel's catalog for this request's language, looked up once per request and language.

    Templates call `_()` dozens of times per page (a hundred on the queue); Flask-Babel finds the
    catalog anew on each call. The catalog is kept on `g` with the locale it was found for, so
    `force_locale` (mail written in the recipient's language) still switches it.
    """
    locale = get_locale()
    found = g.get("_portal_catalog")
    if found is not None and found[0] is locale:
        return found[1]
    catalog = get_translations()
    g._portal_catalog = (locale, catalog)
    return catalog


def init_app(app: Flask) -> None:
    """Give every request the app's WTForms catalogs (one per supported language); templates
    translate through `request_catalog`."""
    catalogs: dict[str, support.Translations] = {}
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_catalog().ugettext(s),
        ngettext=lambda s, p, n: request_catalog().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_catalog().unpgettext(c, s, p, n),
    )

    @app.before_request
    def _form_messages() -> None:
        request.wtforms_translations = FormMessages(catalogs)

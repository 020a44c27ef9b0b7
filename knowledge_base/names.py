"""Names that exist in every interface language: categories and products."""

from __future__ import annotations

from sqlalchemy import JSON
from sqlalchemy.orm import Mapped, mapped_column

from knowledge_base.errors import FieldError
from knowledge_base.locales import DEFAULT_LOCALE, LOCALES

NAME_MAX = 120


class LocalizedName:
    """A `name` in the default language plus `names` per other language ({"pl": "Pralki"})."""

    name: Mapped[str]
    names: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")

    def name_in(self, locale: str | None) -> str:
        """The name in `locale`, falling back to the default name when it has none."""
        if locale and locale != DEFAULT_LOCALE:
            translated = (self.names or {}).get(locale)
            if translated:
                return translated
        return self.name

    def all_names(self) -> dict[str, str]:
        """The name in every language (the default name where no translation is set)."""
        return {locale: self.name_in(locale) for locale in LOCALES}


def clean_names(values: dict[str, str]) -> dict[str, str]:
    """Translations to store: trimmed, non-empty, known languages other than the default only."""
    cleaned = {}
    for locale in LOCALES:
        value = " ".join((values.get(locale) or "").split())[:NAME_MAX]
        if locale != DEFAULT_LOCALE and value:
            cleaned[locale] = value
    return cleaned


def set_names(item: LocalizedName, values: dict[str, str]) -> None:
    """Set the default name (required, trimmed) and the translations (empty ones removed)."""
    default = " ".join((values.get(DEFAULT_LOCALE) or "").split())[:NAME_MAX]
    if not default:
        raise FieldError("A name in the default language is required.", field=f"name_{DEFAULT_LOCALE}")
    item.name = default
    item.names = clean_names(values)

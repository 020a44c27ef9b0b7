"""The form for a category's or product's name in every language."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from knowledge_base.locales import DEFAULT_LOCALE, LOCALES
from knowledge_base.names import NAME_MAX
from portal.auth.forms import LANGUAGE_NAMES


class NamesForm(FlaskForm):
    """One field per language, `name_<code>`; the default language's name is required."""

    def locale_fields(self) -> list:
        """The name fields in LOCALES order."""
        return [getattr(self, f"name_{code}") for code in LOCALES]


for _code in LOCALES:
    _required = DataRequired() if _code == DEFAULT_LOCALE else Optional()
    setattr(
        NamesForm,
        f"name_{_code}",
        StringField(LANGUAGE_NAMES[_code], validators=[_required, Length(max=NAME_MAX)]),
    )

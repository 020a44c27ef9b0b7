"""Marketing forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional


class OfferForm(FlaskForm):
    code = StringField(_l("Offer id"), render_kw={"maxlength": 80})
    title = StringField(_l("Title"), render_kw={"maxlength": 160})
    url = StringField(_l("Landing page URL (http or https)"), render_kw={"maxlength": 500})
    phrases = TextAreaField(
        _l("Phrases, one line per language: en: washing machine, washer"), render_kw={"rows": 4}
    )
    require_context = TextAreaField(
        _l("Required context words (same format, optional)"), render_kw={"rows": 3}
    )
    exclude_context = TextAreaField(
        _l("Excluded context words (same format, optional)"), render_kw={"rows": 3}
    )
    segments = StringField(_l("Target segments (comma-separated; empty: everyone)"))
    product_kind = StringField(_l("Related product kind (e.g. washing-machine)"))
    active_from = DateField(_l("Active from"), validators=[Optional()])
    active_until = DateField(_l("Active until"), validators=[Optional()])


class ImportForm(FlaskForm):
    file = FileField(_l("File"))


class BlockTermForm(FlaskForm):
    locale = SelectField(
        _l("Language"),
        choices=[("en", "English"), ("pl", "Polski"), ("cs", "Čeština"), ("ru", "Русский")],
        validate_choice=False,
    )
    term = StringField(_l("Term"), render_kw={"maxlength": 120})
    category = SelectField(
        _l("Category"),
        choices=[
            ("brand", "brand"),
            ("competitor", "competitor"),
            ("sensitive", "sensitive"),
            ("obscenity", "obscenity"),
        ],
        validate_choice=False,
    )
    reason = StringField(_l("Reason"), render_kw={"maxlength": 300})

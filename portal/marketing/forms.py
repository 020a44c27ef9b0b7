"""Marketing forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, Form, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from knowledge_base.locales import LOCALES

#: Each language in its own name, for pickers.
LANGUAGE_NAMES = {"en": "English", "pl": "Polski", "cs": "Čeština", "ru": "Русский"}
BLOCK_CATEGORIES = ("brand", "competitor", "sensitive", "obscenity")


def _too_long(limit: int) -> Length:
    return Length(max=limit, message=_l("Use at most %(n)d characters.", n=limit))


class OfferForm(FlaskForm):
    code = StringField(_l("Offer id"), render_kw={"maxlength": 64})
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
    product_kind = StringField(_l("Related product kind (e.g. washing-machine)"), render_kw={"maxlength": 60})
    active_from = DateField(_l("Active from"), validators=[Optional()])
    active_until = DateField(_l("Active until"), validators=[Optional()])


class ImportForm(FlaskForm):
    file = FileField(_l("File"))


class BlockTermForm(FlaskForm):
    locale = SelectField(
        _l("Language"),
        choices=[(code, LANGUAGE_NAMES.get(code, code)) for code in LOCALES],
    )
    term = StringField(_l("Term"), validators=[_too_long(120)], render_kw={"maxlength": 120})
    category = SelectField(_l("Category"), choices=[(c, c) for c in BLOCK_CATEGORIES])
    reason = StringField(_l("Reason"), validators=[_too_long(300)], render_kw={"maxlength": 300})


class ReportPeriodForm(Form):
    """The report's period (a GET form: no CSRF token)."""

    start = StringField(_l("From"), name="from", render_kw={"type": "date"})
    end = StringField(_l("To"), name="to", render_kw={"type": "date"})


class OverrideForm(FlaskForm):
    """ "Link anyway": the marketer's written justification (checked by portal.marketing.overrides)."""

    justification = TextAreaField(
        _l("Why is this link right here? (kept with the override and used as training data)"),
        render_kw={"rows": 4, "maxlength": 1000},
    )


class OverrideStatsForm(Form):
    """The period and language of "Overrides by reason" (a GET form: no CSRF token)."""

    start = StringField(_l("From"), name="from", render_kw={"type": "date"})
    end = StringField(_l("To"), name="to", render_kw={"type": "date"})
    locale = SelectField(
        _l("Language"),
        choices=[("", _l("Any")), *((code, LANGUAGE_NAMES.get(code, code)) for code in LOCALES)],
        validate_choice=False,
    )

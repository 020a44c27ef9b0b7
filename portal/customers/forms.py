"""Forms of the customer pages (Flask-WTF for CSRF and rendering; the rules live in services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from knowledge_base.locales import LOCALES
from portal.models import CustomerClass


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RegisterProductForm(FlaskForm):
    product = SelectField(_l("Product"), choices=[], validate_choice=False)
    serial_number = StringField(_l("Serial number"), render_kw={"maxlength": 60, "autocomplete": "off"})
    purchased_on = DateField(_l("Purchase date"), validators=[Optional()])
    receipt = FileField(_l("Receipt (optional: photo or PDF)"))


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Internal note about the customer"), render_kw={"rows": 3})


class SegmentForm(FlaskForm):
    name = StringField(_l("Name (used by offers)"), render_kw={"maxlength": 40})
    description = StringField(_l("Description"), render_kw={"maxlength": 300})
    classes = CheckboxesField(
        _l("Classes"), choices=[(c.value, c.value) for c in CustomerClass], validate_choice=False
    )
    languages = CheckboxesField(
        _l("Languages"), choices=[(code, code) for code in LOCALES], validate_choice=False
    )
    product_kinds = StringField(_l("Owns a product of kind (comma-separated)"))
    consent = SelectField(
        _l("Marketing consent"),
        choices=[("", _l("any")), ("yes", _l("given")), ("no", _l("not given"))],
        validate_choice=False,
    )
    active_days = IntegerField(_l("Active in the last … days (login or request)"), validators=[Optional()])


class OrderImportForm(FlaskForm):
    orders = FileField(_l("CSV file (email, order_ref, total, ordered_on)"))
    partial = BooleanField(_l("Import the good rows even if some rows are bad"))


class ProductSettingsForm(FlaskForm):
    warranty_months = IntegerField(_l("Warranty (months)"), validators=[Optional()])
    price = StringField(_l("List price"))
    serial_pattern = StringField(_l("Serial number pattern (regular expression, matched whole)"))

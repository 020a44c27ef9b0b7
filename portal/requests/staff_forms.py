"""Staff forms of the mail channel: mail preferences, requests opened on a customer's behalf."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    MultipleFileField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from portal.requests.services import SUBJECT_MAX


class MailPreferencesForm(FlaskForm):
    all_new_requests = BooleanField(_l("Mail me about every new request"))
    watched = SelectMultipleField(
        _l("Mail me about new requests in these categories"),
        choices=[],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validate_choice=False,
    )
    replies_on_assigned = BooleanField(_l("Mail me when a customer replies on a request assigned to me"))


class OnBehalfForm(FlaskForm):
    customer = StringField(_l("Customer's email address"), render_kw={"autocomplete": "off"})
    customer_name = StringField(_l("Name (for a new customer)"))
    channel = SelectField(_l("How the customer reached us"), choices=[], validate_choice=False)
    subject = StringField(_l("Subject"), render_kw={"maxlength": SUBJECT_MAX, "autocomplete": "off"})
    description = TextAreaField(_l("Describe the problem"), render_kw={"rows": 8})
    category = SelectField(_l("Category"), choices=[], validate_choice=False)
    priority = SelectField(_l("Priority"), choices=[], validate_choice=False)
    attachments = MultipleFileField(_l("Attachments (photos, PDF or text)"))

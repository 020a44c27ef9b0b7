"""Request forms (Flask-WTF for CSRF and rendering; the rules live in services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from portal.models import Priority
from portal.requests.services import SUBJECT_MAX
from portal.requests.workflow import PRIORITY_LABELS


class NewRequestForm(FlaskForm):
    subject = StringField(_l("Subject"), render_kw={"maxlength": SUBJECT_MAX, "autocomplete": "off"})
    description = TextAreaField(_l("Describe the problem"), render_kw={"rows": 8})
    category = SelectField(_l("Category"), choices=[], validate_choice=False)
    product = SelectField(_l("Product"), choices=[], validate_choice=False)
    priority = SelectField(
        _l("Priority"),
        choices=[(p.value, PRIORITY_LABELS[p]) for p in Priority],
        default="normal",
        validate_choice=False,
    )
    attachments = MultipleFileField(_l("Attachments (photos, PDF or text)"))


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Your reply"), render_kw={"rows": 5})
    attachments = MultipleFileField(_l("Attachments (photos, PDF or text)"))


class RateForm(FlaskForm):
    rating = SelectField(
        _l("Rating"), choices=[(str(i), str(i)) for i in range(5, 0, -1)], validate_choice=False
    )
    comment = TextAreaField(_l("Comment (optional)"), render_kw={"rows": 3})


class StaffUpdateForm(FlaskForm):
    body = TextAreaField(_l("Message"), render_kw={"rows": 7})
    attachments = MultipleFileField(_l("Attachments (photos, PDF or text)"))
    internal = BooleanField(_l("Internal note (never shown to the customer)"))
    status = SelectField(_l("Status"), choices=[], validate_choice=False)
    assignee = SelectField(_l("Assignee"), choices=[], validate_choice=False)
    priority = SelectField(_l("Priority"), choices=[], validate_choice=False)
    tags = StringField(_l("Add tags (comma-separated)"), render_kw={"autocomplete": "off"})
    confirm_close = BooleanField(_l("Yes, close it (closing cannot be undone)"))
    version = HiddenField()
    seen_event_id = HiddenField()
    seen_message_id = HiddenField()


class CannedResponseForm(FlaskForm):
    title = StringField(_l("Title"))
    category = SelectField(_l("Category"), choices=[], validate_choice=False)
    locale = SelectField(_l("Language"), choices=[], validate_choice=False)
    set_status = SelectField(_l("Macro: set the status to"), choices=[], validate_choice=False)
    set_priority = SelectField(_l("Macro: set the priority to"), choices=[], validate_choice=False)
    set_tags = StringField(_l("Macro: add tags (comma-separated)"))
    body = TextAreaField(
        _l("Text ({customer_name}, {reference}, {subject}, {product} and {agent_name} are filled in)"),
        render_kw={"rows": 6},
    )


class SlaForm(FlaskForm):
    low_first = IntegerField(validators=[Optional()])
    low_resolution = IntegerField(validators=[Optional()])
    normal_first = IntegerField(validators=[Optional()])
    normal_resolution = IntegerField(validators=[Optional()])
    high_first = IntegerField(validators=[Optional()])
    high_resolution = IntegerField(validators=[Optional()])
    urgent_first = IntegerField(validators=[Optional()])
    urgent_resolution = IntegerField(validators=[Optional()])
    # business-hours calendar per priority: a calendar id, or "" for round the clock
    low_calendar = SelectField(choices=[], validate_choice=False)
    normal_calendar = SelectField(choices=[], validate_choice=False)
    high_calendar = SelectField(choices=[], validate_choice=False)
    urgent_calendar = SelectField(choices=[], validate_choice=False)


class TagForm(FlaskForm):
    tag = StringField(_l("Tag"), render_kw={"autocomplete": "off", "list": "known-tags"})


class MergeForm(FlaskForm):
    into = StringField(_l("Merge into request (reference)"), render_kw={"autocomplete": "off"})
    confirm = BooleanField(_l("Yes, merge and close this request"))
    version = HiddenField()


class SavedViewForm(FlaskForm):
    name = StringField(_l("Name of the view"))
    shared = BooleanField(_l("Share with every agent"))
    query = HiddenField()

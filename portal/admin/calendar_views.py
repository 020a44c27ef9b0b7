"""Admin screens for business-hours calendars (the SLA page assigns them to policies)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectField, StringField, TextAreaField

from knowledge_base.errors import FieldError
from portal import access
from portal.admin import calendars as services
from portal.admin.views import bp
from portal.auth.forms import EmptyForm
from portal.db import get_session
from portal.models import Calendar, SlaPolicy

DAY_LABELS = (
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
)


class CalendarForm(EmptyForm):
    name = StringField(_l("Name"), render_kw={"maxlength": services.NAME_MAX})
    time_zone = SelectField(_l("Time zone"), choices=[], validate_choice=False)
    mon = StringField(DAY_LABELS[0])
    tue = StringField(DAY_LABELS[1])
    wed = StringField(DAY_LABELS[2])
    thu = StringField(DAY_LABELS[3])
    fri = StringField(DAY_LABELS[4])
    sat = StringField(DAY_LABELS[5])
    sun = StringField(DAY_LABELS[6])
    holidays = TextAreaField(_l("Public holidays, one a line: YYYY-MM-DD name"), render_kw={"rows": 8})


def _form(calendar: Calendar | None) -> CalendarForm:
    if calendar is not None:
        initial = services.form_values(calendar)
    else:
        initial = {"time_zone": "Europe/Warsaw", **{d: "09:00-17:00" for d in services.WEEKDAYS[:5]}}
    form = CalendarForm(data=initial)
    form.time_zone.choices = [(z, z) for z in services.time_zones()]
    return form


def _save(calendar: Calendar | None):
    db = get_session()
    form = _form(calendar)
    if form.validate_on_submit():
        data = services.CalendarInput(
            name=form.name.data or "",
            time_zone=form.time_zone.data or "",
            hours={d: form[d].data or "" for d in services.WEEKDAYS},
            holidays=form.holidays.data or "",
        )
        try:
            saved = services.save_calendar(db, current_user, calendar, data)
        except FieldError as exc:
            db.rollback()
            exc.attach_to(form, "name")
        else:
            db.commit()
            flash(_("Calendar saved; the due times of open requests follow it."), "success")
            return redirect(url_for("admin.calendar_edit", calendar_id=saved.id))
    status = 400 if form.errors and request.method == "POST" else 200
    return render_template(
        "admin/calendar_edit.html",
        form=form,
        calendar=calendar,
        weekdays=services.WEEKDAYS,
        delete_form=EmptyForm(),
    ), status


@bp.route("/calendars")
def calendars():
    db = get_session()
    items = db.scalars(select(Calendar).order_by(Calendar.name)).all()
    used = {}
    for policy in db.scalars(select(SlaPolicy).where(SlaPolicy.calendar_id.is_not(None))):
        used.setdefault(policy.calendar_id, []).append(policy.priority)
    return render_template("admin/calendars.html", items=items, used=used)


@bp.route("/calendars/new", methods=["GET", "POST"])
def calendar_new():
    return _save(None)


@bp.route("/calendars/<int:calendar_id>", methods=["GET", "POST"])
def calendar_edit(calendar_id: int):
    return _save(access.load_staff_object(Calendar, calendar_id))


@bp.route("/calendars/<int:calendar_id>/delete", methods=["POST"])
def calendar_delete(calendar_id: int):
    db = get_session()
    calendar = access.load_staff_object(Calendar, calendar_id)
    if EmptyForm().validate_on_submit():
        services.delete_calendar(db, current_user, calendar)
        db.commit()
        flash(_("Calendar deleted."), "success")
    return redirect(url_for("admin.calendars"))

"""Marketers and admins define customer segments by rules; offers target them by name."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from knowledge_base.db import utcnow
from knowledge_base.errors import FieldError
from portal import access, audit
from portal.auth.forms import EmptyForm
from portal.customers import forms, segments
from portal.db import get_session
from portal.models import Segment

bp = Blueprint("segments", __name__, url_prefix="/marketing/segments")
bp.before_request(access.gate(access.Action.SEGMENTS))


@bp.route("")
def index():
    db = get_session()
    now = utcnow()
    listed = db.scalars(select(Segment).order_by(Segment.name)).all()
    return render_template(
        "customers/segments.html",
        segments=[(s, segments.member_count(db, s, now)) for s in listed],
        delete_form=EmptyForm(formdata=None),
    )


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:segment_id>", methods=["GET", "POST"])
def edit(segment_id: int | None = None):
    db = get_session()
    segment = access.load_staff_object(Segment, segment_id) if segment_id is not None else None
    form = forms.SegmentForm()
    if request.method == "GET" and segment is not None:
        rules = segment.rules or {}
        form.name.data, form.description.data = segment.name, segment.description
        form.classes.data, form.languages.data = rules.get("classes", []), rules.get("languages", [])
        form.product_kinds.data = ", ".join(rules.get("product_kinds", []))
        consent = rules.get("consent")
        form.consent.data = "" if consent is None else ("yes" if consent else "no")
        form.active_days.data = rules.get("active_days")
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            try:
                rules = segments.check_rules(
                    form.classes.data or [],
                    form.languages.data or [],
                    form.product_kinds.data or "",
                    form.consent.data or "",
                    form.active_days.data,
                )
                saved = segments.save(db, segment, form.name.data or "", form.description.data or "", rules)
            except FieldError as exc:
                db.rollback()
                exc.attach_to(form, "name")
            else:
                audit.record(
                    db, "segment_saved", actor=current_user, target=f"segment:{saved.id}", rules=rules
                )
                db.commit()
                flash(_("The segment %(name)s is saved.", name=saved.name), "success")
                return redirect(url_for("segments.index"))
    return render_template("customers/segment_edit.html", form=form, segment=segment), status


@bp.route("/<int:segment_id>/delete", methods=["POST"])
def delete(segment_id: int):
    db = get_session()
    segment = access.load_staff_object(Segment, segment_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    audit.record(db, "segment_deleted", actor=current_user, target=f"segment:{segment.id}", name=segment.name)
    db.delete(segment)
    db.commit()
    flash(_("The segment is deleted."), "success")
    return redirect(url_for("segments.index"))

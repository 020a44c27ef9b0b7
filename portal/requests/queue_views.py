"""Staff workspace actions on the queue: bulk changes, saved views, tags and merging requests."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from knowledge_base.errors import FieldError
from portal import access, audit
from portal.auth.forms import EmptyForm
from portal.db import get_session
from portal.mailout import outbox
from portal.models import SavedView, ServiceRequest, Tag
from portal.requests import bulk, forms, merge, notifications, saved_views, tags
from portal.requests.errors import ConflictError
from portal.requests.staff_views import _handling_form, _render_detail, bp
from portal.security import is_safe_redirect


def _back_to_queue():
    target = request.form.get("next", "")
    return redirect(
        target
        if target.startswith("/staff/requests") and is_safe_redirect(target)
        else url_for("staff_requests.index")
    )


def _selected_versions() -> dict[int, int]:
    versions = {}
    for raw in request.form.getlist("ids")[: bulk.BULK_MAX + 1]:
        key = access.valid_id(raw)
        if key is not None:
            versions[key] = access.valid_id(request.form.get(f"version-{key}", "")) or 0
    return versions


@bp.route("/requests/bulk", methods=["POST"])
def bulk_update():
    """Apply one change to the selected requests of the queue, all or none."""
    db = get_session()
    if not EmptyForm().validate_on_submit():
        flash(_("The form expired. Try again."), "error")
        return _back_to_queue()
    change = bulk.BulkChange(
        versions=_selected_versions(),
        assignee=request.form.get("assignee", ""),
        status=request.form.get("status", ""),
        priority=request.form.get("priority", ""),
        tag=request.form.get("tag", "")[:200],
        confirm_close=request.form.get("confirm_close") == "y",
    )
    try:
        changed = bulk.apply_bulk(db, current_user, change)
        for item, done in changed:  # queued in the same transaction, sent after commit
            if "status" in done:
                notifications.customer_told_of_status(db, item)
            if "assignee" in done and item.assignee is not None and item.assignee_id != current_user.id:
                notifications.assignee_told_of_assignment(db, item)
        db.commit()
    except bulk.BulkError as exc:
        db.rollback()
        flash(str(exc.message), "error")
        for reference, reason in exc.failures:
            flash(f"{reference}: {reason}", "error")
        return _back_to_queue()
    except StaleDataError:
        db.rollback()
        flash(_("Someone else saved one of these requests at the same moment. Nothing was changed."), "error")
        return _back_to_queue()
    except FieldError as exc:
        db.rollback()
        flash(str(exc.message), "error")
        return _back_to_queue()
    outbox.dispatch(db)
    flash(_("Changed %(n)d requests.", n=len(changed)), "success")
    return _back_to_queue()


@bp.route("/views", methods=["POST"])
def save_view():
    """Save the queue's current filters under a name (personal, or shared with every agent)."""
    db = get_session()
    form = forms.SavedViewForm()
    if form.validate_on_submit():
        try:
            view = saved_views.save_view(
                db, current_user, form.name.data or "", form.query.data or "", bool(form.shared.data)
            )
            if view.shared:  # a shared view changes every agent's queue page
                audit.record(db, "saved_view.share", actor=current_user, target=view.name, query=view.query)
            db.commit()
        except FieldError as exc:
            db.rollback()
            flash(str(exc.message), "error")
        else:
            flash(_("View “%(name)s” saved.", name=view.name), "success")
            return redirect(url_for("staff_requests.index") + ("?" + view.query if view.query else ""))
    return redirect(url_for("staff_requests.index"))


@bp.route("/views/<int:view_id>")
def open_view(view_id: int):
    """The queue with a saved view's filters."""
    view = access.load(SavedView, view_id, access.Action.VIEW)
    return redirect(url_for("staff_requests.index") + ("?" + view.query if view.query else ""))


@bp.route("/views/<int:view_id>/delete", methods=["POST"])
def delete_view(view_id: int):
    """Delete one of the user's own views."""
    db = get_session()
    view = access.load(SavedView, view_id, access.Action.EDIT)
    if EmptyForm().validate_on_submit():
        if view.shared:
            audit.record(db, "saved_view.delete", actor=current_user, target=view.name)
        db.delete(view)
        db.commit()
        flash(_("View deleted."), "success")
    return redirect(url_for("staff_requests.index"))


@bp.route("/requests/<ref>/tags", methods=["POST"])
def add_tag(ref: str):
    """Put a tag on a request."""
    db = get_session()
    found = access.request_by_reference(ref, access.Action.HANDLE)
    form = forms.TagForm()
    if form.validate_on_submit():
        try:
            tags.add_tag(db, current_user, found, form.tag.data or "")
            db.commit()
        except FieldError as exc:
            db.rollback()
            exc.attach_to(form, "tag")
            found = access.request_by_reference(ref, access.Action.HANDLE)
            return _render_detail(
                found, _handling_form(found, formdata=False), status_code=400, tag_form=form
            )
        except StaleDataError:
            db.rollback()
            flash(_("Someone else saved this request at the same moment. Submit again."), "error")
    return redirect(url_for("staff_requests.detail", ref=ref))


@bp.route("/requests/<ref>/tags/<int:tag_id>/remove", methods=["POST"])
def remove_tag(ref: str, tag_id: int):
    """Take a tag off a request."""
    db = get_session()
    found = access.request_by_reference(ref, access.Action.HANDLE)
    tag = access.load_staff_object(Tag, tag_id)
    if EmptyForm().validate_on_submit():
        tags.remove_tag(db, current_user, found, tag)
        db.commit()
    return redirect(url_for("staff_requests.detail", ref=ref))


@bp.route("/requests/<ref>/merge", methods=["POST"])
def merge_request(ref: str):
    """Merge this request into another of the same customer (asks for confirmation)."""
    db = get_session()
    source = access.request_by_reference(ref, access.Action.HANDLE)
    form = forms.MergeForm()
    if not form.validate_on_submit():
        return redirect(url_for("staff_requests.detail", ref=ref))
    into = (form.into.data or "").strip().upper()
    target = (
        db.scalar(select(ServiceRequest).where(ServiceRequest.reference == into)) if len(into) <= 32 else None
    )
    if target is not None and not access.allows(current_user, access.Action.HANDLE, target):
        target = None
    try:
        if not form.confirm.data:
            merge.check_mergeable(source, target)
            raise FieldError(_("Tick the box to confirm the merge."), field="confirm")
        merge.merge_into(db, current_user, source, target, access.valid_id(form.version.data) or 0)
        audit.record(db, "request.merge", actor=current_user, target=source.reference, into=target.reference)
        db.commit()
    except (FieldError, StaleDataError) as exc:
        db.rollback()
        if isinstance(exc, FieldError) and not isinstance(exc, ConflictError):
            exc.attach_to(form, "into")
        else:
            form.into.errors = [
                _("Someone else changed this request while you were working on it. Nothing was merged.")
            ]
        source = access.request_by_reference(ref, access.Action.HANDLE)
        form.version.data = str(source.version)
        return _render_detail(
            source, _handling_form(source, formdata=False), status_code=400, merge_form=form
        )
    flash(_("Merged into %(ref)s.", ref=target.reference), "success")
    return redirect(url_for("staff_requests.detail", ref=target.reference))

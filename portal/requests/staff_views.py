"""Staff pages: the queue and request handling, canned responses."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from knowledge_base.db import utcnow
from knowledge_base.errors import FieldError
from portal import access
from portal.auth.forms import EmptyForm
from portal.db import get_session
from portal.models import CannedResponse, Category, CustomerProduct, RequestStatus, ServiceRequest, User
from portal.requests import canned as canned_responses
from portal.requests import forms, notifications, queue, services
from portal.requests import limits as rate_limits
from portal.requests.errors import ConflictError
from portal.requests.sla import is_overdue
from portal.requests.workflow import PRIORITY_LABELS, STAFF_TRANSITIONS, STATUS_LABELS

bp = Blueprint("staff_requests", __name__, url_prefix="/staff")
bp.before_request(access.gate(access.Action.WORK_QUEUE))


@bp.route("/requests")
def index():
    db = get_session()
    filters = queue.QueueFilters.from_args(request.args, current_user.id)
    if filters.error:
        flash(filters.error, "error")
    page = queue.queue_page(db, filters, utcnow(), request.args.get("page", 1, type=int), 25)
    return render_template(
        "staff_requests/index.html",
        page=page,
        filters=filters,
        counts=queue.cached_status_counts(db),
        categories=db.scalars(select(Category).order_by(Category.name)).all(),
        agents=_agents(),
        now=utcnow(),
        is_overdue=is_overdue,
        args=filters.as_args(),
    )


def _agents() -> list[User]:
    return services.assignable_agents(get_session())


def _handling_form(found: ServiceRequest, formdata=True) -> forms.StaffUpdateForm:
    form = forms.StaffUpdateForm() if formdata else forms.StaffUpdateForm(formdata=None)
    reachable = set(STAFF_TRANSITIONS[found.status])
    if found.status == RequestStatus.NEW:  # a public reply opens a new request first
        reachable |= STAFF_TRANSITIONS[RequestStatus.OPEN]
    allowed = sorted(reachable, key=lambda s: list(STATUS_LABELS).index(s))
    form.status.choices = [("", _("keep: %(s)s", s=STATUS_LABELS[found.status]))] + [
        (s.value, STATUS_LABELS[s]) for s in allowed
    ]
    form.assignee.choices = (
        [("", _("keep"))] + [("none", _("nobody"))] + [(str(a.id), a.name) for a in _agents()]
    )
    form.priority.choices = [(p.value, PRIORITY_LABELS[p]) for p in PRIORITY_LABELS]
    if not formdata or request.method == "GET":
        form.priority.data = found.priority.value
        form.version.data = str(found.version)
        form.seen_event_id.data = str(max((e.id for e in found.events), default=0))
        form.seen_message_id.data = str(max((m.id for m in found.messages), default=0))
    return form


def _render_detail(found: ServiceRequest, form: forms.StaffUpdateForm, conflict=None, status_code=200):
    db = get_session()
    canned = db.scalars(
        select(CannedResponse)
        .where((CannedResponse.category_id == found.category_id) | CannedResponse.category_id.is_(None))
        .order_by(CannedResponse.title)
    ).all()
    others = db.scalars(
        select(ServiceRequest)
        .where(ServiceRequest.customer_id == found.customer_id, ServiceRequest.id != found.id)
        .order_by(ServiceRequest.created_at.desc())
        .limit(10)
    ).all()
    owned = db.scalars(select(CustomerProduct).where(CustomerProduct.user_id == found.customer_id)).all()
    canned_id = access.valid_id(request.args.get("canned", ""))
    if canned_id and request.method == "GET":
        chosen = db.get(CannedResponse, canned_id)
        if chosen is not None:
            form.body.data = canned_responses.fill_placeholders(chosen.body, found, current_user)
    return render_template(
        "staff_requests/detail.html",
        req=found,
        form=form,
        canned=canned,
        others=others,
        owned=owned,
        conflict=conflict,
        filled={c.id: canned_responses.fill_placeholders(c.body, found, current_user) for c in canned},
        overdue=is_overdue(found, utcnow()),
    ), status_code


@bp.route("/requests/<ref>", methods=["GET", "POST"])
@rate_limits.staff_saves
def detail(ref: str):
    db = get_session()
    found = access.request_by_reference(ref, access.Action.HANDLE)
    form = _handling_form(found)
    if request.method == "POST" and form.validate():
        change = services.StaffChange(
            version=_int(form.version.data),
            seen_event_id=_int(form.seen_event_id.data),
            seen_message_id=_int(form.seen_message_id.data),
            body=form.body.data or "",
            internal=bool(form.internal.data),
            status=form.status.data or "",
            assignee=form.assignee.data or "",
            priority=form.priority.data or "",
        )
        old_status = found.status
        try:
            done = services.staff_update(
                db, current_user, found, change, max_chars=current_app.config["MESSAGE_MAX_CHARS"]
            )
            db.commit()
        except ConflictError as exc:
            db.rollback()
            return _render_detail(found, form, conflict=exc, status_code=409)
        except StaleDataError:
            db.rollback()
            found = access.request_by_reference(ref, access.Action.HANDLE)
            conflict = ConflictError(
                _("Someone else saved this request at the same moment. Submit again."), []
            )
            return _render_detail(
                found, _handling_form(found, formdata=True), conflict=conflict, status_code=409
            )
        except FieldError as exc:
            db.rollback()
            exc.attach_to(form, "body")
            return _render_detail(found, form, status_code=400)
        _notify(found, change, done, old_status)
        flash(_("Saved."), "success")
        return redirect(url_for("staff_requests.detail", ref=ref))
    return _render_detail(found, form)


def _notify(found: ServiceRequest, change: services.StaffChange, done: list[str], old_status) -> None:
    if "reply" in done:
        notifications.customer_told_of_reply(found, change.body.strip())
    if found.status != old_status:
        notifications.customer_told_of_status(found)
    if "assignee" in done and found.assignee is not None and found.assignee_id != current_user.id:
        notifications.assignee_told_of_assignment(found)


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


@bp.route("/canned", methods=["GET", "POST"])
def canned():
    db = get_session()
    form = forms.CannedResponseForm()
    categories = db.scalars(select(Category).order_by(Category.name)).all()
    form.category.choices = [("", _("any category"))] + [(str(c.id), c.name) for c in categories]
    if form.validate_on_submit():
        try:
            canned_responses.create(
                db,
                form.title.data or "",
                form.body.data or "",
                form.category.data or "",
                current_app.config["MESSAGE_MAX_CHARS"],
            )
        except FieldError as exc:
            db.rollback()
            exc.attach_to(form, "title")
        else:
            db.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("staff_requests.canned"))
    items = db.scalars(select(CannedResponse).order_by(CannedResponse.title)).all()
    return render_template("staff_requests/canned.html", form=form, items=items, delete_form=EmptyForm())


@bp.route("/canned/<int:item_id>/delete", methods=["POST"])
def canned_delete(item_id: int):
    db = get_session()
    if EmptyForm().validate_on_submit():
        db.delete(access.load_staff_object(CannedResponse, item_id))
        db.commit()
    return redirect(url_for("staff_requests.canned"))

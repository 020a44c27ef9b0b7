"""Customer pages: raise, list, follow, reply, close, reopen, rate; attachment downloads."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from portal.db import get_session
from portal.models import (
    Attachment,
    Category,
    CustomerProduct,
    DeflectionEvent,
    Product,
    RequestStatus,
    ServiceRequest,
)
from portal.pagination import paginate
from portal.requests import forms, notifications, services
from portal.requests.attachments import Upload
from portal.requests.errors import RequestError

bp = Blueprint("requests", __name__)


def limits() -> services.Limits:
    """Request limits from the app configuration."""
    config = current_app.config
    return services.Limits(
        attachment_folder=Path(config["INSTANCE_PATH"]) / "attachments",
        max_file_bytes=config["ATTACHMENT_MAX_BYTES"],
        max_request_bytes=config["REQUEST_ATTACHMENTS_MAX_BYTES"],
        reopen_days=config["REOPEN_DAYS"],
    )


def _own_request(ref: str) -> ServiceRequest:
    found = services.get_request_for(get_session(), current_user, ref)
    if found is None or found.customer_id != current_user.id:
        abort(404)
    return found


def _fill_choices(form: forms.NewRequestForm, db: Session) -> None:
    categories = db.scalars(select(Category).order_by(Category.name)).all()
    form.category.choices = [("", _("— choose —"))] + [(c.slug, c.name) for c in categories]
    owned = db.scalars(select(CustomerProduct).where(CustomerProduct.user_id == current_user.id)).all()
    catalog = db.scalars(select(Product).order_by(Product.name)).all()
    form.product.choices = (
        [("", _("— not about a product —"))]
        + [(f"own:{o.id}", _("Mine: %(name)s", name=o.product.name)) for o in owned]
        + [(f"catalog:{p.id}", p.name) for p in catalog]
    )


@bp.route("/requests")
@login_required
def index():
    db = get_session()
    status = request.args.get("status", "")
    search = request.args.get("q", "").strip()[:200]
    query = select(ServiceRequest).where(ServiceRequest.customer_id == current_user.id)
    if status in {s.value for s in RequestStatus}:
        query = query.where(ServiceRequest.status == RequestStatus(status))
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(
            or_(
                func.lower(ServiceRequest.subject).like(pattern),
                func.lower(ServiceRequest.description).like(pattern),
                func.lower(ServiceRequest.reference).like(pattern),
            )
        )
    query = query.order_by(ServiceRequest.created_at.desc(), ServiceRequest.id.desc())
    page = paginate(db, query, request.args.get("page", 1, type=int), 20)
    return render_template(
        "requests/index.html", page=page, status=status, search=search, statuses=list(RequestStatus)
    )


@bp.route("/requests/new", methods=["GET", "POST"])
@login_required
def new():
    db = get_session()
    form = forms.NewRequestForm()
    _fill_choices(form, db)
    session.setdefault("deflection_id", secrets.token_hex(16))
    if request.method == "POST" and form.validate():
        data = services.NewRequest(
            subject=form.subject.data or "",
            description=form.description.data or "",
            category=form.category.data or "",
            product=form.product.data or "",
            priority=form.priority.data or "",
            uploads=[
                Upload(f.filename or "", f.read()) for f in request.files.getlist("attachments") if f.filename
            ],
        )
        try:
            created = services.create_request(db, current_user, data, limits())
        except RequestError as exc:
            db.rollback()
            getattr(form, exc.field or "subject").errors.append(str(exc.message))
        else:
            db.add(DeflectionEvent(form_session=session.pop("deflection_id", ""), kind="submitted"))
            db.commit()
            flash(_("Thank you. Your request %(ref)s has been received.", ref=created.reference), "success")
            return redirect(url_for("requests.detail", ref=created.reference))
    return render_template("requests/new.html", form=form)


@bp.route("/requests/<ref>")
@login_required
def detail(ref: str):
    found = _own_request(ref)
    return render_template(
        "requests/detail.html",
        req=found,
        reply_form=forms.ReplyForm(),
        rate_form=forms.RateForm(),
        action_form=forms.ReplyForm(formdata=None),
        messages=[m for m in found.messages if not m.internal],
    )


def _act(ref: str, change, message: Callable[[ServiceRequest], str], after=None):
    """Run one customer action on their request: commit it, tell them, redirect back."""
    db = get_session()
    found = _own_request(ref)
    form = forms.ReplyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        text = message(found)  # worded from the state before the change
        change(db, found, form)
    except RequestError as exc:
        db.rollback()
        flash(str(exc.message), "error")
    else:
        db.commit()
        if after is not None:
            after(found, form)
        flash(text, "success")
    return redirect(url_for("requests.detail", ref=ref))


@bp.route("/requests/<ref>/reply", methods=["POST"])
@login_required
def reply(ref: str):
    def message(found: ServiceRequest) -> str:
        reopened = found.status == RequestStatus.WAITING_ON_CUSTOMER
        return _("Your reply was sent.") + (" " + _("The request is open again.") if reopened else "")

    return _act(
        ref,
        lambda db, found, form: services.customer_reply(db, current_user, found, form.body.data or ""),
        message,
        after=lambda found, form: notifications.assignee_told_of_customer_reply(found, form.body.data),
    )


@bp.route("/requests/<ref>/close", methods=["POST"])
@login_required
def close(ref: str):
    return _act(
        ref,
        lambda db, found, _form: services.customer_close(db, current_user, found),
        lambda _found: _("The request is closed."),
    )


@bp.route("/requests/<ref>/reopen", methods=["POST"])
@login_required
def reopen(ref: str):
    return _act(
        ref,
        lambda db, found, _form: services.customer_reopen(db, current_user, found, limits().reopen_days),
        lambda _found: _("The request is open again."),
    )


@bp.route("/requests/<ref>/rate", methods=["POST"])
@login_required
def rate(ref: str):
    db = get_session()
    found = _own_request(ref)
    form = forms.RateForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        rating = int(form.rating.data or 0)
    except ValueError:
        rating = 0
    try:
        services.rate(db, current_user, found, rating, form.comment.data or "")
    except RequestError as exc:
        db.rollback()
        flash(str(exc.message), "error")
    else:
        db.commit()
        flash(_("Thank you for your rating."), "success")
    return redirect(url_for("requests.detail", ref=ref))


@bp.route("/attachments/<int:attachment_id>")
@login_required
def attachment(attachment_id: int):
    db = get_session()
    item = db.get(Attachment, attachment_id)
    if item is None or services.get_request_for(db, current_user, item.request.reference) is None:
        abort(404)
    path = limits().attachment_folder / item.stored_name
    if not path.is_file():
        abort(404)
    inline = request.args.get("preview") == "1" and item.is_image
    response = send_file(
        path,
        mimetype=item.content_type,
        as_attachment=not inline,
        download_name=item.original_name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response

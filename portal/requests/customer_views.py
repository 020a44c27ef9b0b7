"""Customer pages: raise, list, follow, reply, close, reopen, rate; attachment downloads."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date

from flask import (
    Blueprint,
    Response,
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
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.errors import FieldError
from portal import access
from portal.customers import registry
from portal.db import get_session
from portal.labels import localized
from portal.mailout import outbox
from portal.models import (
    Attachment,
    Category,
    DeflectionEvent,
    Priority,
    Product,
    RequestStatus,
    ServiceRequest,
)
from portal.requests import attachments, customer_list, forms, list_pages, notifications, priorities, services
from portal.requests import limits as rate_limits
from portal.requests.attachments import Upload
from portal.requests.workflow import PRIORITY_LABELS

bp = Blueprint("requests", __name__)


#: Longest search text on the list page.
SEARCH_MAX = 200
ACTIVE = customer_list.ACTIVE


def limits() -> services.Limits:
    """Request limits from the app configuration."""
    return services.Limits.from_config(current_app.config)


def _fill_choices(form: forms.NewRequestForm, db: Session) -> None:
    categories = db.scalars(select(Category).order_by(Category.name)).all()
    form.category.choices = [("", _("— choose —"))] + [(c.slug, localized(c)) for c in categories]
    owned = registry.owned_products(db, current_user.id)
    catalog = db.scalars(select(Product).order_by(Product.name)).all()
    form.product.choices = (
        [("", _("— not about a product —"))]
        + [(f"own:{o.id}", registry.choice_label(o, date.today())) for o in owned]
        + [(f"catalog:{p.id}", localized(p)) for p in catalog]
    )
    allowed = priorities.customer_priorities(db, current_app.config)
    form.priority.choices = [(p.value, PRIORITY_LABELS[p]) for p in allowed]
    if request.method == "GET" and form.priority.data not in {p.value for p in allowed}:
        form.priority.data = Priority.NORMAL.value if Priority.NORMAL in allowed else allowed[0].value


def uploads_from(field_name: str) -> list[Upload]:
    """The files a form posted under `field_name` (empty file inputs skipped)."""
    return [Upload(f.filename or "", f.read()) for f in request.files.getlist(field_name) if f.filename]


@bp.route("/requests")
@login_required
def index():
    db = get_session()
    search, search_error = request.args.get("q", "").strip(), None
    if len(search) > SEARCH_MAX:
        search_error = _("Search for at most %(n)d characters.", n=SEARCH_MAX)
    return list_pages.customer_list_html(
        db,
        current_user._get_current_object(),
        request.args.get("status", ""),
        search,
        search_error,
        request.args.get("page", 1, type=int),
    )


@bp.route("/requests/new", methods=["GET", "POST"])
@login_required
@rate_limits.new_requests
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
            uploads=uploads_from("attachments"),
        )
        allowed = [p.value for p in priorities.customer_priorities(db, current_app.config)]
        try:
            created = services.create_request(db, current_user, data, limits(), allowed_priorities=allowed)
        except FieldError as exc:
            db.rollback()
            exc.attach_to(form, "subject")
        else:
            db.add(DeflectionEvent(form_session=session.pop("deflection_id", ""), kind="submitted"))
            notifications.new_request_announced(db, created)
            db.commit()
            outbox.dispatch(db)
            flash(_("Thank you. Your request %(ref)s has been received.", ref=created.reference), "success")
            return redirect(url_for("requests.detail", ref=created.reference))
    upload_limits = limits().uploads
    return render_template(
        "requests/new.html",
        form=form,
        max_files=upload_limits.max_files,
        max_file_mb=attachments.megabytes(upload_limits.max_file_bytes),
        max_total_mb=attachments.megabytes(upload_limits.max_total_bytes),
    )


@bp.route("/requests/<ref>")
@login_required
def detail(ref: str):
    found = access.request_by_reference(ref, access.Action.FOLLOW)
    return _render_detail(found, forms.ReplyForm(formdata=None))


def _render_detail(found: ServiceRequest, reply_form: forms.ReplyForm, status_code: int = 200):
    """The request page with `reply_form` (empty, or the customer's text with its errors)."""
    return render_template(
        "requests/detail.html",
        req=found,
        reply_form=reply_form,
        rate_form=forms.RateForm(formdata=None),
        action_form=forms.ReplyForm(formdata=None),
        messages=[m for m in found.messages if not m.internal],
        reopen_until=services.reopen_deadline(found, limits().reopen_days),
        **upload_hints(),
    ), status_code


def upload_hints() -> dict[str, object]:
    """The upload limits a form with a file field states."""
    upload_limits = limits().uploads
    return {
        "max_files": upload_limits.max_files,
        "max_file_mb": attachments.megabytes(upload_limits.max_file_bytes),
        "max_total_mb": attachments.megabytes(upload_limits.max_total_bytes),
    }


def _act(ref: str, change: Callable[[Session, ServiceRequest], None], message: str):
    """Run one customer action on their request: commit it, tell them, redirect back."""
    db = get_session()
    found = access.request_by_reference(ref, access.Action.FOLLOW)
    if not forms.ReplyForm().validate_on_submit():
        abort(400)
    try:
        change(db, found)
    except FieldError as exc:
        db.rollback()
        flash(str(exc.message), "error")
    else:
        db.commit()
        flash(message, "success")
    return redirect(url_for("requests.detail", ref=ref))


@bp.route("/requests/<ref>/reply", methods=["POST"])
@login_required
@rate_limits.customer_replies
def reply(ref: str):
    db = get_session()
    found = access.request_by_reference(ref, access.Action.FOLLOW)
    form = forms.ReplyForm()
    if not form.validate_on_submit():
        abort(400)
    reopened = found.status in (RequestStatus.WAITING_ON_CUSTOMER, RequestStatus.RESOLVED)
    body = form.body.data or ""
    config = limits()
    try:
        message = services.customer_reply(
            db,
            current_user,
            found,
            body,
            config.message_max_chars,
            uploads=uploads_from("attachments"),
            limits=config,
            reopen_days=config.reopen_days,
        )
    except FieldError as exc:
        db.rollback()
        exc.attach_to(form, "body")
        return _render_detail(found, form, status_code=400)
    target = message.request
    if target.id != found.id:
        notifications.new_request_announced(db, target)
    else:
        notifications.assignee_told_of_customer_reply(db, found, message.body)
    db.commit()
    outbox.dispatch(db)
    if target.id != found.id:
        flash(
            _(
                "%(old)s was resolved too long ago to reopen, so your reply starts the new request %(new)s.",
                old=found.reference,
                new=target.reference,
            ),
            "success",
        )
        return redirect(url_for("requests.detail", ref=target.reference))
    flash(_("Your reply was sent.") + (" " + _("The request is open again.") if reopened else ""), "success")
    return redirect(url_for("requests.detail", ref=ref))


@bp.route("/requests/<ref>/close", methods=["POST"])
@login_required
def close(ref: str):
    """Closing is final: the first post shows a confirmation step, the confirmed one closes."""
    if request.form.get("confirm") != "yes":
        found = access.request_by_reference(ref, access.Action.FOLLOW)
        if not forms.ReplyForm().validate_on_submit():
            abort(400)
        confirm_form = forms.ReplyForm(formdata=None)
        return render_template("requests/close_confirm.html", req=found, action_form=confirm_form)
    return _act(
        ref,
        lambda db, found: services.customer_close(db, current_user, found),
        _("The request is closed."),
    )


@bp.route("/requests/<ref>/reopen", methods=["POST"])
@login_required
def reopen(ref: str):
    return _act(
        ref,
        lambda db, found: services.customer_reopen(db, current_user, found, limits().reopen_days),
        _("The request is open again."),
    )


@bp.route("/requests/<ref>/rate", methods=["POST"])
@login_required
def rate(ref: str):
    db = get_session()
    found = access.request_by_reference(ref, access.Action.FOLLOW)
    form = forms.RateForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        rating = int(form.rating.data or 0)
    except ValueError:
        rating = 0
    try:
        services.rate(db, current_user, found, rating, form.comment.data or "")
    except FieldError as exc:
        db.rollback()
        flash(str(exc.message), "error")
    else:
        db.commit()
        flash(_("Thank you for your rating."), "success")
    return redirect(url_for("requests.detail", ref=ref))


@bp.route("/attachments/<int:attachment_id>")
@login_required
def attachment(attachment_id: int) -> Response:
    item = access.load(Attachment, attachment_id, access.Action.VIEW)
    path = limits().attachment_folder / item.stored_name
    if not path.is_file():
        abort(404)
    inline = request.args.get("preview") == "1" and item.is_image
    response = send_file(
        path,
        mimetype=item.content_type,
        as_attachment=not inline,
        download_name=attachments.download_name(item.original_name, item.content_type),
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response

"""Customer pages: register the products one owns (with a receipt), see their warranty, remove them."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from knowledge_base.errors import FieldError
from portal import access
from portal.auth.forms import EmptyForm
from portal.customers import forms, picture, registry
from portal.db import get_session
from portal.labels import localized
from portal.models import CustomerProduct, Product, Role
from portal.requests import attachments
from portal.requests.attachments import Upload

bp = Blueprint("account_products", __name__, url_prefix="/account/products")


def _folder():
    return registry.receipt_folder(current_app.config["INSTANCE_PATH"])


def _customer_only() -> None:
    if current_user.role != Role.CUSTOMER:
        abort(404)


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    _customer_only()
    db = get_session()
    form = forms.RegisterProductForm()
    form.product.choices = [("", _("— choose —"))] + [
        (str(p.id), localized(p)) for p in db.scalars(select(Product).order_by(Product.name))
    ]
    status = 200
    if form.is_submitted():
        if not form.validate():
            status = 400
        else:
            upload = form.receipt.data
            receipt = Upload(upload.filename or "", upload.read()) if upload and upload.filename else None
            data = registry.Registration(
                product_id=access.valid_id(form.product.data),
                serial_number=form.serial_number.data or "",
                purchased_on=form.purchased_on.data,
                receipt=receipt,
            )
            try:
                owned = registry.register(db, current_user, data, _folder(), date.today())
            except FieldError as exc:
                db.rollback()
                exc.attach_to(form, "serial_number")
                status = 400
            else:
                db.commit()
                flash(_("%(name)s is registered.", name=localized(owned.product)), "success")
                return redirect(url_for("account_products.index"))
    return render_template(
        "customers/account_products.html",
        form=form,
        products=picture.owned_with_warranty(db, current_user.id, date.today()),
        delete_form=EmptyForm(formdata=None),
        max_mb=attachments.megabytes(registry.RECEIPT_MAX_BYTES),
    ), status


@bp.route("/<int:owned_id>/delete", methods=["POST"])
@login_required
def delete(owned_id: int):
    db = get_session()
    owned = access.load(CustomerProduct, owned_id, access.Action.EDIT)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        registry.unregister(db, owned, _folder())
    except FieldError as exc:
        db.rollback()
        flash(str(exc.message), "error")
    else:
        db.commit()
        flash(_("The product is removed from your account."), "success")
    return redirect(url_for("account_products.index"))


@bp.route("/<int:owned_id>/receipt")
@login_required
def receipt(owned_id: int) -> Response:
    owned = access.load(CustomerProduct, owned_id, access.Action.VIEW)
    if not owned.receipt_stored_name or not owned.receipt_content_type:
        abort(404)
    path = _folder() / owned.receipt_stored_name
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=owned.receipt_content_type,
        as_attachment=True,
        download_name=attachments.download_name(owned.receipt_name or "receipt", owned.receipt_content_type),
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response

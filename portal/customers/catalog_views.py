"""Admin: a product's warranty period, list price and serial number pattern."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from knowledge_base.errors import FieldError
from portal import access, audit
from portal.customers import forms, registry
from portal.db import get_session
from portal.models import Product

bp = Blueprint("product_settings", __name__, url_prefix="/admin/catalog/products")
bp.before_request(access.gate(access.Action.ADMINISTER))


@bp.route("/<int:product_id>", methods=["GET", "POST"])
def edit(product_id: int):
    db = get_session()
    product = access.load_staff_object(Product, product_id)
    form = forms.ProductSettingsForm()
    if request.method == "GET":
        form.warranty_months.data = product.warranty_months
        form.price.data = f"{product.price_cents / 100:.2f}"
        form.serial_pattern.data = product.serial_pattern
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            try:
                values = registry.update_settings(
                    product, form.warranty_months.data, form.price.data or "", form.serial_pattern.data or ""
                )
            except FieldError as exc:
                db.rollback()
                exc.attach_to(form, "serial_pattern")
            else:
                audit.record(
                    db,
                    "product_settings_changed",
                    actor=current_user,
                    target=f"product:{product.id}",
                    **values,
                )
                db.commit()
                flash(_("%(name)s is saved.", name=product.name), "success")
                return redirect(url_for("admin.catalog"))
    return render_template("customers/product_settings.html", form=form, product=product), status

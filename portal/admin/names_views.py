"""Admin: the names of categories and products in every language."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from knowledge_base.locales import DEFAULT_LOCALE, LOCALES
from knowledge_base.names import set_names
from portal import access, audit
from portal.admin.names_forms import NamesForm
from portal.db import get_session
from portal.models import Category, Product

bp = Blueprint("catalog_names", __name__, url_prefix="/admin/catalog/names")
bp.before_request(access.gate(access.Action.ADMINISTER))

KINDS = {"category": Category, "product": Product}


@bp.route("/<kind>/<int:item_id>", methods=["GET", "POST"])
def edit(kind: str, item_id: int):
    if kind not in KINDS:
        abort(404)
    db = get_session()
    item = access.load_staff_object(KINDS[kind], item_id)
    form = NamesForm()
    if not form.is_submitted():
        for code, name in item.all_names().items():
            getattr(form, f"name_{code}").data = name if code == DEFAULT_LOCALE or code in item.names else ""
    if form.validate_on_submit():
        before = item.all_names()
        set_names(item, {code: getattr(form, f"name_{code}").data or "" for code in LOCALES})
        audit.record(
            db,
            "catalog.names_changed",
            actor=current_user,
            target=f"{kind}:{item.id}",
            before=before,
            after=item.all_names(),
        )
        db.commit()
        flash(_("The names of %(name)s are saved.", name=item.name), "success")
        return redirect(url_for("admin.catalog"))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/catalog_names.html", form=form, item=item, kind=kind), status

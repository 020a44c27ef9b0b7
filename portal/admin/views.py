"""Admin screens: users and roles, audit log."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import BooleanField, SelectField

from knowledge_base.errors import FieldError
from portal import access
from portal.admin import services
from portal.auth.forms import EmptyForm
from portal.db import get_session
from portal.models import Role, User
from portal.pagination import paginate

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(access.gate(access.Action.ADMINISTER))


class UserRoleForm(EmptyForm):
    role = SelectField(choices=[(r.value, r.value) for r in Role])
    kb_editor = BooleanField()


@bp.route("/")
def index():
    return redirect(url_for("admin.users"))


@bp.route("/users")
def users():
    search, role, error = request.args.get("q", ""), request.args.get("role", ""), None
    try:
        query = services.user_query(services.search_text(search, services.SEARCH_MAX, "q"), role)
    except FieldError as exc:
        query, error = services.user_query("", role), str(exc.message)
    page = paginate(get_session(), query, request.args.get("page", 1, type=int))
    return render_template(
        "admin/users.html",
        page=page,
        search=search,
        search_error=error,
        role=role,
        roles=list(Role),
        form=EmptyForm(),
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_detail(user_id: int):
    db = get_session()
    user = access.load_staff_object(User, user_id)
    form = UserRoleForm(data={"role": user.role.value, "kb_editor": user.kb_editor})
    if form.validate_on_submit():
        try:
            services.change_role(db, current_user, user, Role(form.role.data))
            services.set_kb_editor(db, current_user, user, form.kb_editor.data)
        except FieldError as exc:
            db.rollback()
            flash(str(exc.message), "error")
        else:
            db.commit()
            flash(_("Saved the changes to %(email)s.", email=user.email), "success")
            return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template("admin/user_detail.html", user=user, form=form, toggle=EmptyForm())


@bp.route("/users/<int:user_id>/active", methods=["POST"])
def user_active(user_id: int):
    db = get_session()
    user = access.load_staff_object(User, user_id)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            services.set_active(db, current_user, user, not user.is_active)
        except FieldError as exc:
            db.rollback()
            flash(str(exc.message), "error")
        else:
            db.commit()
            message = _("Account activated.") if user.is_active else _("Account deactivated.")
            flash(message, "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/audit")
def audit_log():
    action, error = request.args.get("action", ""), None
    try:
        query = services.audit_query(services.search_text(action, services.ACTION_MAX, "action"))
    except FieldError as exc:
        query, error = services.audit_query(), str(exc.message)
    page = paginate(get_session(), query, request.args.get("page", 1, type=int), 50)
    db = get_session()
    actors = {
        u.id: u for u in db.query(User).filter(User.id.in_({e.actor_id for e in page.items if e.actor_id}))
    }
    return render_template("admin/audit.html", page=page, action=action, search_error=error, actors=actors)


@bp.route("/catalog")
def catalog():
    from portal.models import Category, Product

    db = get_session()
    return render_template(
        "admin/catalog.html",
        categories=db.query(Category).order_by(Category.name).all(),
        products=db.query(Product).order_by(Product.name).all(),
    )


@bp.route("/sla", methods=["GET", "POST"])
def sla():
    from portal import audit
    from portal.models import Priority
    from portal.requests.forms import SlaForm
    from portal.requests.sla import targets, upsert_policies

    db = get_session()
    form = SlaForm()
    if request.method == "GET":
        for priority in Priority:
            first, resolution = targets(db, priority)
            getattr(form, f"{priority.value}_first").data = first
            getattr(form, f"{priority.value}_resolution").data = resolution
    elif form.validate_on_submit():
        rows, problems = [], False
        for priority in Priority:
            first = getattr(form, f"{priority.value}_first")
            resolution = getattr(form, f"{priority.value}_resolution")
            for fld in (first, resolution):
                if fld.data is None or not 1 <= fld.data <= 525_600:
                    fld.errors.append(_("Enter minutes between 1 and 525600."))
                    problems = True
            if not problems and resolution.data < first.data:
                resolution.errors.append(_("Resolution cannot come before the first response."))
                problems = True
            rows.append((priority, first.data, resolution.data))
        if not problems:
            upsert_policies(db, rows)
            audit.record(
                db, "sla.changed", actor=current_user, target="sla", **{p.value: [f, r] for p, f, r in rows}
            )
            db.commit()
            flash(_("SLA policies saved."), "success")
            return redirect(url_for("admin.sla"))
    return render_template("admin/sla.html", form=form, priorities=list(Priority))


# more admin pages on this blueprint: outbox, priorities, mailboxes, quarantine
from portal.admin import mail_views, mailboxes  # noqa: E402, F401

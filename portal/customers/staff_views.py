"""Staff pages: the customer directory, each customer's whole picture, notes, classes and class SLAs."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from knowledge_base.db import utcnow
from knowledge_base.errors import FieldError
from portal import access, audit
from portal.auth.forms import EmptyForm
from portal.customers import classify, directory, forms, picture, sla_policy
from portal.db import get_session
from portal.models import ClassificationRun, CustomerClass, CustomerNote, Priority, User
from portal.pagination import paginate
from portal.requests.forms import SlaForm
from portal.requests.workflow import PRIORITY_LABELS

bp = Blueprint("customers", __name__, url_prefix="/staff/customers")


@bp.before_request
def _gate():
    """Staff who may see customers pass; customers are told nothing exists here (404)."""
    if not current_user.is_authenticated:
        return access.gate(access.Action.CUSTOMERS)()
    if not access.allows(current_user, access.Action.CUSTOMERS):
        abort(403 if current_user.is_staff else 404)
    return None


@bp.route("")
def index():
    query_text = request.args.get("q", "")
    error = None
    if len(query_text) > directory.QUERY_MAX:
        error = _("Search for at most %(n)d characters.", n=directory.QUERY_MAX)
        query_text = ""
    page = paginate(
        get_session(), directory.search_query(query_text), request.args.get("page", 1, type=int), 25
    )
    classes = {}
    if page.items:
        from portal.models import CustomerValue

        ids = [u.id for u in page.items]
        classes = {
            v.user_id: v.customer_class
            for v in get_session().scalars(select(CustomerValue).where(CustomerValue.user_id.in_(ids)))
        }
    return render_template(
        "customers/index.html", page=page, search=query_text, search_error=error, classes=classes
    )


def _customer(customer_id: int) -> User:
    return access.load(User, customer_id, access.Action.INSPECT)


@bp.route("/<int:customer_id>")
def detail(customer_id: int):
    customer = _customer(customer_id)
    return _render_detail(customer, forms.NoteForm(formdata=None))


def _render_detail(customer: User, note_form: forms.NoteForm, status_code: int = 200):
    db = get_session()
    now = utcnow()
    requests_page = paginate(db, picture.requests_of(customer.id), request.args.get("page", 1, type=int), 50)
    notes = picture.notes_of(db, customer.id)
    return render_template(
        "customers/detail.html",
        customer=customer,
        products=picture.owned_with_warranty(db, customer.id, date.today()),
        requests_page=requests_page,
        sla={r.id: picture.sla_result(r, now) for r in requests_page.items},
        value=picture.value_of(db, customer.id),
        segments=picture.segment_names(db, customer, now),
        notes=notes,
        note_form=note_form,
        delete_form=EmptyForm(formdata=None),
        can_delete={n.id for n in notes if access.allows(current_user, access.Action.EDIT, n)},
        reads=picture.reads_before_last_request(db, customer.id),
    ), status_code


@bp.route("/<int:customer_id>/notes", methods=["POST"])
def add_note(customer_id: int):
    db = get_session()
    customer = _customer(customer_id)
    form = forms.NoteForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        picture.add_note(db, current_user, customer, form.body.data or "")
    except FieldError as exc:
        db.rollback()
        exc.attach_to(form, "body")
        return _render_detail(customer, form, status_code=400)
    db.commit()
    flash(_("The note is saved."), "success")
    return redirect(url_for("customers.detail", customer_id=customer.id) + "#notes")


@bp.route("/<int:customer_id>/notes/<int:note_id>/delete", methods=["POST"])
def delete_note(customer_id: int, note_id: int):
    db = get_session()
    customer = _customer(customer_id)
    note = access.load(CustomerNote, note_id, access.Action.EDIT)
    if note.customer_id != customer.id or not EmptyForm().validate_on_submit():
        abort(404 if note.customer_id != customer.id else 400)
    picture.delete_note(db, current_user, note)
    db.commit()
    flash(_("The note is deleted."), "success")
    return redirect(url_for("customers.detail", customer_id=customer.id) + "#notes")


@bp.route("/classes")
def classes():
    db = get_session()
    points = classify.pareto_points(db)
    counts = classify.class_counts(db)
    last_run = db.scalar(select(ClassificationRun).order_by(ClassificationRun.id.desc()).limit(1))
    return render_template(
        "customers/classes.html",
        counts=counts,
        points=points,
        chart=_pareto_svg(points, counts),
        last_run=last_run,
    )


def _pareto_svg(points: list[tuple[float, float]], counts: dict[str, tuple[int, int]]) -> dict:
    """Coordinates for the server-side SVG Pareto chart (a 600×300 plot area); the class borders
    are drawn at the real shares of A and A+B customers."""
    width, height = 600, 300
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{x * width:.1f},{height - y * height:.1f}"
        for i, (x, y) in enumerate(points)
    )
    customers = sum(n for n, _ in counts.values()) or 1
    a_share = counts.get("A", (0, 0))[0] / customers
    b_share = a_share + counts.get("B", (0, 0))[0] / customers
    return {
        "width": width,
        "height": height,
        "path": path,
        "a_x": a_share * width,
        "b_x": b_share * width,
        "a_y": height - classify.A_SHARE / 100 * height,
        "b_y": height - classify.B_SHARE / 100 * height,
        "labels": [
            ("A", a_share / 2 * width),
            ("B", (a_share + b_share) / 2 * width),
            ("C", (1 + b_share) / 2 * width),
        ],
        "ticks": [(i / 10 * width, height - i / 10 * height, i * 10) for i in range(11)],
    }


@bp.route("/sla", methods=["GET", "POST"])
def class_sla():
    if not access.allows(current_user, access.Action.ADMINISTER):
        abort(403)
    db = get_session()
    chosen = request.args.get("class", CustomerClass.A.value)
    if chosen not in {c.value for c in CustomerClass}:
        abort(404)
    customer_class = CustomerClass(chosen)
    existing = sla_policy.policies(db)
    form = SlaForm()
    if request.method == "GET":
        for priority in Priority:
            policy = existing.get((customer_class, priority))
            if policy is not None:
                getattr(form, f"{priority.value}_first").data = policy.first_response_minutes
                getattr(form, f"{priority.value}_resolution").data = policy.resolution_minutes
    if form.validate_on_submit():
        rows = [
            (p, getattr(form, f"{p.value}_first").data, getattr(form, f"{p.value}_resolution").data)
            for p in Priority
        ]
        try:
            sla_policy.save_policies(db, customer_class, rows)
        except ValueError as exc:
            db.rollback()
            flash(
                _(
                    "%(priority)s: give positive minutes, the first response no later than the resolution.",
                    priority=PRIORITY_LABELS[exc.args[0]],
                ),
                "error",
            )
        else:
            audit.record(
                db,
                "class_sla_changed",
                actor=current_user,
                target=f"class:{customer_class.value}",
                targets={p.value: [f, r] for p, f, r in rows},
            )
            db.commit()
            flash(_("The SLA targets of class %(c)s are saved.", c=customer_class.value), "success")
            return redirect(url_for("customers.class_sla", **{"class": customer_class.value}))
    return render_template(
        "customers/sla.html",
        form=form,
        customer_class=customer_class,
        classes=list(CustomerClass),
        priorities=list(Priority),
    )


#: The largest order CSV accepted on the web page (the CLI takes any size).
ORDER_CSV_MAX_BYTES = 20_000_000


@bp.route("/import", methods=["GET", "POST"])
def import_orders():
    """Admins upload an ERP export of order totals; bad rows are listed with their lines."""
    if not access.allows(current_user, access.Action.ADMINISTER):
        abort(403)
    from portal.customers.orders import import_orders as run_import
    from portal.customers.orders import record_import

    db = get_session()
    form = forms.OrderImportForm()
    report, error = None, None
    if form.validate_on_submit():
        upload = form.orders.data
        data = upload.read(ORDER_CSV_MAX_BYTES + 1) if upload and upload.filename else b""
        try:
            if not data:
                raise ValueError(_("Choose a CSV file."))
            if len(data) > ORDER_CSV_MAX_BYTES:
                raise ValueError(_("The file is larger than %(mb)s MB.", mb=ORDER_CSV_MAX_BYTES // 1_000_000))
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            error = _("The file is not UTF-8 text.")
        except ValueError as exc:
            error = str(exc)
        else:
            report = run_import(
                db, text.splitlines(keepends=True), date.today(), partial=bool(form.partial.data)
            )
            if report.written:
                record_import(db, current_user, report, "web")
                db.commit()
            else:
                db.rollback()
    return render_template("customers/import.html", form=form, report=report, error=error), (
        400 if error or (report and report.errors and not report.written) else 200
    )

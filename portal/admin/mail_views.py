"""Admin screens of the mail channel: the outbox backlog (retry) and the priorities customers may pick."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from knowledge_base.errors import FieldError
from portal import audit
from portal.admin.views import bp
from portal.auth.forms import EmptyForm
from portal.db import get_session
from portal.mailout import outbox
from portal.models import OutboxMessage, OutboxState, Priority
from portal.pagination import paginate
from portal.requests import priorities
from portal.requests.workflow import PRIORITY_LABELS


class PrioritiesForm(EmptyForm):
    priorities = SelectMultipleField(
        choices=[(p.value, PRIORITY_LABELS[p]) for p in Priority],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validate_choice=False,
    )


@bp.route("/outbox")
def outbox_page():
    db = get_session()
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.state.in_((OutboxState.PENDING, OutboxState.FAILED)))
        .order_by(OutboxMessage.id)
    )
    page = paginate(db, query, request.args.get("page", 1, type=int), 50)
    return render_template("admin/outbox.html", page=page, backlog=outbox.backlog(db), form=EmptyForm())


@bp.route("/outbox/<int:row_id>/retry", methods=["POST"])
def outbox_retry(row_id: int):
    db = get_session()
    if EmptyForm().validate_on_submit():
        row = outbox.retry(db, row_id)
        if row is None:
            flash(_("This mail is no longer waiting."), "error")
        else:
            audit.record(db, "outbox.retry", actor=current_user, target=row.recipient, mail=row.id)
            db.commit()
            outbox.discard_pending(db)  # the admin waits for this one: sent here, not in the background
            if outbox.send_one(db, row_id, current_app.config):
                flash(_("The mail was sent."), "success")
            else:
                flash(_("The mail could not be sent yet; it stays in the outbox."), "error")
    return redirect(url_for("admin.outbox_page"))


@bp.route("/priorities", methods=["GET", "POST"])
def customer_priorities():
    db = get_session()
    form = PrioritiesForm()
    if request.method == "GET":
        form.priorities.data = [p.value for p in priorities.customer_priorities(db, current_app.config)]
    elif form.validate_on_submit():
        try:
            priorities.set_customer_priorities(db, current_user, list(form.priorities.data or []))
        except FieldError as exc:
            db.rollback()
            form.priorities.errors = [str(exc.message)]
        else:
            db.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("admin.customer_priorities"))
    return render_template("admin/priorities.html", form=form)

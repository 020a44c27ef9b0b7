"""The person's data download (account page) and the admin's erasure page."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from knowledge_base.db import utcnow
from knowledge_base.errors import FieldError
from portal import access, audit
from portal.auth.forms import EmptyForm
from portal.db import get_session
from portal.extensions import limiter
from portal.marketing import impressions
from portal.models import User
from portal.privacy import erase, export

bp = Blueprint("privacy", __name__)
#: Archives up to this size stay in memory while they are built; bigger ones spill to a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024


def _attachment_folder() -> Path:
    return Path(current_app.config["INSTANCE_PATH"]) / "attachments"


def _export_limit() -> str:
    return current_app.config["EXPORT_RATE_LIMIT"]


class ErasureForm(FlaskForm):
    confirmation = StringField(_l("Type the account's email address to confirm"))
    reason = TextAreaField(_l("Reason (kept in the audit log; do not repeat the person's details)"))


@bp.route("/account/export", methods=["POST"])
@login_required
@limiter.limit(_export_limit, key_func=lambda: f"export:{current_user.id}")
def download_my_data():
    """The ZIP of the logged-in person's data (POST with CSRF: it is logged and rate-limited)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    # offer links shown lately are kept in this worker's memory for a batched write: write them
    # first, so the archive holds them (another worker's are written within its flush interval)
    impressions.flush()
    db = get_session()
    user = current_user._get_current_object()
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (send_file closes it)
    export.write_export(db, user, _attachment_folder(), out, utcnow().date())
    audit.record(db, "privacy.exported", actor=user, target=f"user:{user.id}")
    db.commit()
    out.seek(0)
    response = send_file(
        out,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"shopkeeper-my-data-{utcnow().date().isoformat()}.zip",
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/admin/users/<int:user_id>/erase", methods=["GET", "POST"])
@access.requires(access.Action.ADMINISTER)
def erase_user(user_id: int):
    """Confirm (type the email, give a reason), then erase the person for good."""
    db = get_session()
    user = access.load_staff_object(User, user_id)
    form = ErasureForm()
    if form.validate_on_submit():
        try:
            result = erase.erase_user(
                db,
                current_user,
                user,
                confirmation=form.confirmation.data or "",
                reason=form.reason.data or "",
                attachment_folder=_attachment_folder(),
            )
        except FieldError as exc:
            db.rollback()
            exc.attach_to(form, "confirmation")
        else:
            db.commit()
            erase.delete_files(result.files)
            flash(
                _(
                    "The person was erased: %(requests)d requests kept without personal data, "
                    "%(files)d attachments deleted.",
                    requests=result.requests,
                    files=result.attachments,
                ),
                "success",
            )
            return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template(
        "privacy/erase.html",
        user=user,
        form=form,
        erased=erase.is_erased(user),
        affected=erase.preview(db, user),
    ), (400 if form.errors else 200)

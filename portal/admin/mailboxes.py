"""Admin screens for inbound mail: mailboxes (create, edit, delete) and the quarantine."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import BooleanField, EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, NumberRange

from knowledge_base.errors import FieldError
from portal import access, audit
from portal.admin.views import bp
from portal.auth.forms import EmptyForm
from portal.db import get_session
from portal.mail_in import mailboxes as services
from portal.mail_in.fetch import MailboxError, check_connection
from portal.mail_in.ingest import quarantine_folder
from portal.mailout import outbox
from portal.models import Category, MailBounce, Mailbox, MailSecurity, Priority, QuarantinedMail
from portal.pagination import paginate
from portal.requests.workflow import PRIORITY_LABELS

SECURITY_LABELS = {
    MailSecurity.TLS.value: _l("TLS (IMAPS, usually port 993)"),
    MailSecurity.STARTTLS.value: _l("STARTTLS (usually port 143)"),
    MailSecurity.PLAIN.value: _l("None (only a mail server on this machine)"),
}


class MailboxForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    support_address = EmailField(_l("Support address"), validators=[DataRequired(), Email(), Length(max=254)])
    host = StringField(_l("IMAP server"), validators=[DataRequired(), Length(max=255)])
    port = IntegerField(_l("Port"), default=993, validators=[DataRequired(), NumberRange(1, 65535)])
    security = SelectField(_l("Connection security"), choices=list(SECURITY_LABELS.items()))
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=255)])
    password = PasswordField(_l("Password"), validators=[Length(max=255)])
    folder = StringField(_l("Folder"), default="INBOX", validators=[Length(max=255)])
    default_category = SelectField(_l("Category of new requests"), choices=[])
    default_priority = SelectField(
        _l("Priority of new requests"),
        choices=[(p.value, label) for p, label in PRIORITY_LABELS.items()],
        default=Priority.NORMAL.value,
    )
    is_active = BooleanField(_l("Fetch mail from this mailbox"), default=True)


def _form(mailbox: Mailbox | None) -> MailboxForm:
    form = MailboxForm(obj=mailbox) if request.method == "GET" and mailbox else MailboxForm()
    if request.method == "GET" and mailbox:
        form.security.data = mailbox.security.value
        form.default_priority.data = mailbox.default_priority.value
        form.default_category.data = str(mailbox.default_category_id or "")
        form.password.data = ""
    categories = get_session().scalars(select(Category).order_by(Category.name))
    form.default_category.choices = [("", _("None"))] + [(str(c.id), c.name) for c in categories]
    return form


def _settings(form: MailboxForm) -> services.MailboxSettings:
    return services.MailboxSettings(
        name=form.name.data or "",
        host=form.host.data or "",
        port=form.port.data or 0,
        security=form.security.data or "",
        username=form.username.data or "",
        password=form.password.data or "",
        folder=form.folder.data or "",
        support_address=form.support_address.data or "",
        default_category=form.default_category.data or "",
        default_priority=form.default_priority.data or "",
        is_active=bool(form.is_active.data),
    )


@bp.route("/mailboxes")
def mailboxes():
    db = get_session()
    held = db.scalar(select(func.count(QuarantinedMail.id)).where(QuarantinedMail.resolved_at.is_(None)))
    bounces = db.scalars(select(MailBounce).order_by(MailBounce.id.desc()).limit(20)).all()
    return render_template(
        "admin/mailboxes.html",
        mailboxes=db.scalars(select(Mailbox).order_by(Mailbox.name)).all(),
        held=held or 0,
        bounces=bounces,
        security_labels=SECURITY_LABELS,
        form=EmptyForm(),
    )


def _edit(mailbox: Mailbox | None):
    db = get_session()
    form = _form(mailbox)
    if form.validate_on_submit():
        try:
            saved = services.save_mailbox(db, current_user, mailbox, _settings(form))
        except FieldError as exc:
            db.rollback()
            exc.attach_to(form, "name")
        else:
            db.commit()
            flash(_("Saved the mailbox %(name)s.", name=saved.name), "success")
            return redirect(url_for("admin.mailboxes"))
    return render_template("admin/mailbox_form.html", form=form, mailbox=mailbox, delete_form=EmptyForm())


@bp.route("/mailboxes/new", methods=["GET", "POST"])
def mailbox_new():
    return _edit(None)


@bp.route("/mailboxes/<int:mailbox_id>", methods=["GET", "POST"])
def mailbox_edit(mailbox_id: int):
    return _edit(access.load_staff_object(Mailbox, mailbox_id))


@bp.route("/mailboxes/<int:mailbox_id>/delete", methods=["POST"])
def mailbox_delete(mailbox_id: int):
    db = get_session()
    mailbox = access.load_staff_object(Mailbox, mailbox_id)
    if EmptyForm().validate_on_submit():
        name = mailbox.name
        services.delete_mailbox(db, current_user, mailbox)
        db.commit()
        flash(_("Deleted the mailbox %(name)s.", name=name), "success")
    return redirect(url_for("admin.mailboxes"))


@bp.route("/mailboxes/<int:mailbox_id>/check", methods=["POST"])
def mailbox_check(mailbox_id: int):
    mailbox = access.load_staff_object(Mailbox, mailbox_id)
    if EmptyForm().validate_on_submit():
        try:
            unseen = check_connection(mailbox, current_app.config)
        except MailboxError as exc:
            flash(_("The mailbox cannot be read: %(error)s", error=str(exc)), "error")
        else:
            flash(_("Connected: %(n)d new message(s) waiting.", n=unseen), "success")
    return redirect(url_for("admin.mailbox_edit", mailbox_id=mailbox.id))


@bp.route("/mailboxes/quarantine")
def quarantine():
    show_all = request.args.get("all") == "1"
    query = select(QuarantinedMail).order_by(QuarantinedMail.id.desc())
    if not show_all:
        query = query.where(QuarantinedMail.resolved_at.is_(None))
    page = paginate(get_session(), query, request.args.get("page", 1, type=int))
    return render_template("admin/quarantine.html", page=page, show_all=show_all)


@bp.route("/mailboxes/quarantine/<int:record_id>")
def quarantine_detail(record_id: int):
    record = access.load_staff_object(QuarantinedMail, record_id)
    return render_template("admin/quarantine_detail.html", record=record, form=EmptyForm())


@bp.route("/mailboxes/quarantine/<int:record_id>/raw")
def quarantine_raw(record_id: int):
    record = access.load_staff_object(QuarantinedMail, record_id)
    path = quarantine_folder(current_app.config) / record.stored_name
    if not path.is_file():
        abort(404)
    db = get_session()
    audit.record(db, "mail.quarantine_downloaded", actor=current_user, target=str(record.id))
    db.commit()
    return send_file(
        path,
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=f"quarantine-{record.id}.eml",
    )


@bp.route("/mailboxes/quarantine/<int:record_id>/retry", methods=["POST"])
def quarantine_retry(record_id: int):
    db = get_session()
    record = access.load_staff_object(QuarantinedMail, record_id)
    if EmptyForm().validate_on_submit():
        result = services.retry_quarantined(db, current_user, record, current_app.config)
        db.commit()
        outbox.dispatch(db)
        if result.outcome in ("request", "reply"):
            flash(_("The message was taken in: %(reference)s.", reference=result.reference), "success")
        elif result.outcome == "duplicate":
            flash(_("This message had already been taken in."), "info")
        else:
            flash(_("The message is still held: %(reason)s", reason=result.detail), "error")
    return redirect(url_for("admin.quarantine_detail", record_id=record.id))


@bp.route("/mailboxes/quarantine/<int:record_id>/dismiss", methods=["POST"])
def quarantine_dismiss(record_id: int):
    db = get_session()
    record = access.load_staff_object(QuarantinedMail, record_id)
    if EmptyForm().validate_on_submit():
        services.dismiss_quarantined(db, current_user, record)
        db.commit()
        flash(_("The message is marked as dealt with."), "success")
    return redirect(url_for("admin.quarantine"))

"""Staff pages: the queue and request handling, canned responses."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from knowledge_base.db import utcnow
from knowledge_base.errors import FieldError
from portal import access, audit
from portal.auth.forms import LANGUAGE_NAMES, EmptyForm
from portal.customers import picture
from portal.db import get_session
from portal.labels import localized
from portal.mail import external_url
from portal.mailout import outbox, preferences
from portal.models import CannedResponse, Category, RequestStatus, ServiceRequest, User
from portal.requests import canned as canned_responses
from portal.requests import (
    forms,
    list_pages,
    notifications,
    on_behalf,
    queue,
    services,
    staff_forms,
    tags,
)
from portal.requests import limits as rate_limits
from portal.requests.customer_views import upload_hints, uploads_from
from portal.requests.errors import ConflictError
from portal.requests.sla import is_overdue
from portal.requests.workflow import CHANNEL_LABELS, PRIORITY_LABELS, STAFF_STATUS_LABELS, STAFF_TRANSITIONS

bp = Blueprint("staff_requests", __name__, url_prefix="/staff")
bp.before_request(access.gate(access.Action.WORK_QUEUE))


@bp.route("/requests")
def index():
    filters = queue.QueueFilters.from_args(request.args, current_user.id)
    if filters.error:
        flash(filters.error, "error")
    number = request.args.get("page", 1, type=int)
    return list_pages.queue_html(get_session(), filters, number, current_user._get_current_object())


def _agents() -> list[User]:
    return services.assignable_agents(get_session())


def _handling_form(found: ServiceRequest, formdata=True) -> forms.StaffUpdateForm:
    form = forms.StaffUpdateForm() if formdata else forms.StaffUpdateForm(formdata=None)
    reachable = set(STAFF_TRANSITIONS[found.status])
    if found.status == RequestStatus.NEW:  # a public reply opens a new request first
        reachable |= STAFF_TRANSITIONS[RequestStatus.OPEN]
    allowed = sorted(reachable, key=lambda s: list(STAFF_STATUS_LABELS).index(s))
    form.status.choices = [("", _("keep: %(s)s", s=STAFF_STATUS_LABELS[found.status]))] + [
        (s.value, STAFF_STATUS_LABELS[s]) for s in allowed
    ]
    form.assignee.choices = (
        [("", _("keep"))] + [("none", _("nobody"))] + [(str(a.id), a.name) for a in _agents()]
    )
    form.priority.choices = [(p.value, PRIORITY_LABELS[p]) for p in PRIORITY_LABELS]
    if not formdata or request.method == "GET":
        form.priority.data = found.priority.value
        form.version.data = str(found.version)
        form.seen_event_id.data = str(max((e.id for e in found.events), default=0))
        form.seen_message_id.data = str(max((m.id for m in found.messages), default=0))
    return form


def _apply_macro(form: forms.StaffUpdateForm, chosen: CannedResponse, found: ServiceRequest) -> None:
    """Fill the handling form from a canned response: its text, and a macro's status, priority, tags."""
    form.body.data = canned_responses.fill_placeholders(chosen.body, found, current_user)
    if chosen.set_status and chosen.set_status in {value for value, _label in form.status.choices}:
        form.status.data = chosen.set_status
    if chosen.set_priority:
        form.priority.data = chosen.set_priority
    if chosen.set_tags:
        form.tags.data = chosen.set_tags


def _render_detail(
    found: ServiceRequest, form: forms.StaffUpdateForm, conflict=None, status_code=200, **extra
):
    db = get_session()
    canned = canned_responses.for_request(db, found)
    others = db.scalars(
        select(ServiceRequest)
        .where(ServiceRequest.customer_id == found.customer_id, ServiceRequest.id != found.id)
        .order_by(ServiceRequest.created_at.desc())
        .limit(10)
    ).all()
    owned = picture.owned_with_warranty(db, found.customer_id, date.today())
    canned_id = access.valid_id(request.args.get("canned", ""))
    if canned_id and request.method == "GET":
        chosen = next((c for c in canned if c.id == canned_id), None)
        if chosen is not None:
            _apply_macro(form, chosen, found)
    extra.setdefault("tag_form", forms.TagForm(formdata=None))
    extra.setdefault("merge_form", forms.MergeForm(formdata=None, data={"version": str(found.version)}))
    return render_template(
        "staff_requests/detail.html",
        req=found,
        form=form,
        canned=canned,
        others=others,
        owned=owned,
        customer_value=picture.value_of(db, found.customer_id),
        conflict=conflict,
        filled={c.id: canned_responses.fill_placeholders(c.body, found, current_user) for c in canned},
        overdue=is_overdue(found, utcnow()),
        known_tags=tags.all_tags(db),
        **extra,
        **upload_hints(),
    ), status_code


@bp.route("/requests/<ref>", methods=["GET", "POST"])
@rate_limits.staff_saves
def detail(ref: str):
    db = get_session()
    found = access.request_by_reference(ref, access.Action.HANDLE)
    form = _handling_form(found)
    if request.method == "POST" and form.validate():
        change = services.StaffChange(
            version=_int(form.version.data),
            seen_event_id=_int(form.seen_event_id.data),
            seen_message_id=_int(form.seen_message_id.data),
            body=form.body.data or "",
            internal=bool(form.internal.data),
            status=form.status.data or "",
            assignee=form.assignee.data or "",
            priority=form.priority.data or "",
            confirm_close=bool(form.confirm_close.data),
            uploads=uploads_from("attachments"),
        )
        old_status, old_assignee = found.status, found.assignee_id
        try:
            change.add_tags = tags.split_tags(form.tags.data or "")
            services.require_close_confirmation(found, change)
            done = services.staff_update(
                db,
                current_user,
                found,
                change,
                max_chars=current_app.config["MESSAGE_MAX_CHARS"],
                limits=services.Limits.from_config(current_app.config),
            )
            _notify(db, found, done, old_status, old_assignee)
            db.commit()
        except ConflictError as exc:
            db.rollback()
            return _render_detail(found, form, conflict=exc, status_code=409)
        except StaleDataError:
            db.rollback()
            found = access.request_by_reference(ref, access.Action.HANDLE)
            conflict = ConflictError(
                _("Someone else saved this request at the same moment. Submit again."), []
            )
            return _render_detail(
                found, _handling_form(found, formdata=True), conflict=conflict, status_code=409
            )
        except FieldError as exc:
            db.rollback()
            exc.attach_to(form, "tags" if exc.field == "tag" else "body")
            return _render_detail(found, form, status_code=400)
        outbox.dispatch(db)
        flash(_("Saved."), "success")
        return redirect(url_for("staff_requests.detail", ref=ref))
    return _render_detail(found, form)


def _notify(db, found: ServiceRequest, done: list[str], old_status, old_assignee) -> None:
    """Queue the mails of one save: at most one to the customer, one to a new assignee."""
    reply = found.messages[-1] if "reply" in done else None
    notifications.customer_told_of_staff_save(db, found, reply, old_status)
    if (
        "assignee" in done
        and found.assignee is not None
        and found.assignee_id != current_user.id
        and found.assignee_id != old_assignee
    ):
        notifications.assignee_told_of_assignment(db, found)


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


@bp.route("/canned", methods=["GET", "POST"])
def canned():
    db = get_session()
    form = forms.CannedResponseForm()
    categories = db.scalars(select(Category).order_by(Category.name)).all()
    form.category.choices = [("", _("any category"))] + [(str(c.id), localized(c)) for c in categories]
    form.locale.choices = [("", _("every language"))] + list(LANGUAGE_NAMES.items())
    form.set_status.choices = [("", _("leave as it is"))] + [
        (s.value, label) for s, label in STAFF_STATUS_LABELS.items()
    ]
    form.set_priority.choices = [("", _("leave as it is"))] + [
        (p.value, label) for p, label in PRIORITY_LABELS.items()
    ]
    if form.validate_on_submit():
        actions = canned_responses.MacroActions(
            locale=form.locale.data or "",
            set_status=form.set_status.data or "",
            set_priority=form.set_priority.data or "",
            set_tags=form.set_tags.data or "",
        )
        try:
            item = canned_responses.create(
                db,
                form.title.data or "",
                form.body.data or "",
                form.category.data or "",
                current_app.config["MESSAGE_MAX_CHARS"],
                actions,
            )
        except FieldError as exc:
            db.rollback()
            exc.attach_to(form, "title")
        else:
            audit.record(db, "canned.create", actor=current_user, target=item.title, macro=item.is_macro)
            db.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("staff_requests.canned"))
    items = db.scalars(select(CannedResponse).order_by(CannedResponse.title, CannedResponse.locale)).all()
    return render_template("staff_requests/canned.html", form=form, items=items, delete_form=EmptyForm())


@bp.route("/canned/<int:item_id>/delete", methods=["POST"])
def canned_delete(item_id: int):
    db = get_session()
    if EmptyForm().validate_on_submit():
        audit.record(db, "canned.delete", actor=current_user, target=str(item_id))
        db.delete(access.load_staff_object(CannedResponse, item_id))
        db.commit()
    return redirect(url_for("staff_requests.canned"))


@bp.route("/requests/new", methods=["GET", "POST"])
@rate_limits.staff_saves
def new_on_behalf():
    """Open a request for a customer who phoned, wrote or came to the counter."""
    db = get_session()
    form = staff_forms.OnBehalfForm()
    categories = db.scalars(select(Category).order_by(Category.name)).all()
    form.category.choices = [("", _("— choose —"))] + [(c.slug, localized(c)) for c in categories]
    form.priority.choices = [(p.value, PRIORITY_LABELS[p]) for p in PRIORITY_LABELS]
    form.channel.choices = [(c, CHANNEL_LABELS[c]) for c in on_behalf.STAFF_CHANNELS]
    if request.method == "GET":
        form.priority.data, form.channel.data = "normal", "phone"
    elif form.validate():
        config = current_app.config
        try:
            customer, is_new = on_behalf.find_or_create_customer(
                db,
                current_user,
                form.customer.data or "",
                form.customer_name.data or "",
                config["ARGON2_PARAMS"],
            )
            data = services.NewRequest(
                subject=form.subject.data or "",
                description=form.description.data or "",
                category=form.category.data or "",
                priority=form.priority.data or "",
                uploads=uploads_from("attachments"),
                channel=form.channel.data or "",
            )
            created = on_behalf.open_for_customer(
                db, current_user, customer, data, services.Limits.from_config(config)
            )
            link = None
            if is_new:
                token = on_behalf.set_password_link_token(config, customer)
                link = external_url("auth.reset_password", token=token)
            notifications.new_request_announced(db, created, password_link=link)
        except FieldError as exc:
            db.rollback()
            exc.attach_to(form, "subject")
        else:
            db.commit()
            outbox.dispatch(db)
            flash(
                _("Request %(ref)s opened for %(email)s.", ref=created.reference, email=customer.email),
                "success",
            )
            return redirect(url_for("staff_requests.detail", ref=created.reference))
    return render_template(
        "staff_requests/new.html", form=form, **upload_hints()
    ), 400 if form.errors else 200


@bp.route("/mail-preferences", methods=["POST"])
def mail_preferences():
    """Save which mails the agent wants (the form lives on the account page)."""
    db = get_session()
    form = preferences_form(db)
    if form.validate_on_submit():
        chosen = [key for key in (access.valid_id(v) for v in form.watched.data or []) if key is not None]
        preferences.save(
            db,
            current_user,
            preferences.AgentPreferences(
                all_new_requests=bool(form.all_new_requests.data),
                replies_on_assigned=bool(form.replies_on_assigned.data),
                watched=chosen,
            ),
        )
        db.commit()
        flash(_("Your mail preferences are saved."), "success")
    return redirect(url_for("auth.account"))


def preferences_form(db, *, filled: bool = False) -> staff_forms.MailPreferencesForm:
    """The agent's mail preferences form, with the categories to choose from (and their choices)."""
    form = (
        staff_forms.MailPreferencesForm(prefix="mail")
        if not filled
        else staff_forms.MailPreferencesForm(prefix="mail", formdata=None)
    )
    form.watched.choices = [
        (str(c.id), localized(c)) for c in db.scalars(select(Category).order_by(Category.name))
    ]
    if filled:
        prefs = preferences.for_agent(db, current_user)
        form.all_new_requests.data = prefs.all_new_requests
        form.replies_on_assigned.data = prefs.replies_on_assigned
        form.watched.data = [str(c) for c in prefs.watched]
    return form


from portal.requests import queue_views  # noqa: E402, F401  (routes on this blueprint)

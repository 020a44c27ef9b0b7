"""Admin pages for webhooks: subscribe, see the secret once, pause, resume, test, delivery log."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectMultipleField, StringField, widgets

from knowledge_base.errors import FieldError
from portal import access
from portal.auth.forms import EmptyForm
from portal.db import get_session
from portal.models import WebhookDelivery, WebhookSubscription
from portal.pagination import paginate
from portal.webhooks import services
from portal.webhooks.events import EVENTS

bp = Blueprint("webhooks_admin", __name__, url_prefix="/admin/webhooks")
bp.before_request(access.gate(access.Action.ADMINISTER))

EVENT_LABELS = {
    "request.created": _l("Request created"),
    "request.updated": _l("Request updated (status, priority, assignee, rating)"),
    "message.created": _l("Message added (reply or internal note)"),
    "article.published": _l("Article published"),
    "suggestion.approved": _l("Link suggestion approved"),
    "customer.created": _l("Customer account created"),
}


class SubscriptionForm(FlaskForm):
    url = StringField(_l("Receiver address (URL)"))
    description = StringField(_l("Description"))
    events = SelectMultipleField(
        _l("Events"),
        choices=[(e, e) for e in EVENTS],
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
        validate_choice=False,
    )


def _show_secret(subscription: WebhookSubscription, secret: str):
    """The one page that shows a signing secret: never cached, never stored in a flash cookie."""
    response = make_response(
        render_template("webhooks/secret.html", subscription=subscription, secret=secret)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _subscription(subscription_id: int) -> WebhookSubscription:
    return access.load_staff_object(WebhookSubscription, subscription_id)


@bp.route("/", methods=["GET", "POST"])
def index():
    db = get_session()
    form = SubscriptionForm()
    if form.validate_on_submit():
        try:
            created = services.create(
                db, current_user, form.url.data or "", form.events.data or [], form.description.data or ""
            )
        except FieldError as exc:
            db.rollback()
            exc.attach_to(form, "url")
        else:
            db.commit()
            return _show_secret(created, created.secret)
    return render_template(
        "webhooks/index.html",
        form=form,
        subscriptions=services.subscriptions(db),
        event_labels=EVENT_LABELS,
    ), (400 if form.errors else 200)


@bp.route("/<int:subscription_id>")
def detail(subscription_id: int):
    db = get_session()
    subscription = _subscription(subscription_id)
    query = (
        select(WebhookDelivery)
        .where(WebhookDelivery.subscription_id == subscription.id)
        .order_by(WebhookDelivery.id.desc())
    )
    status = request.args.get("status", "")
    if status in ("pending", "delivered", "failed"):
        query = query.where(WebhookDelivery.status == status)
    page = paginate(db, query, request.args.get("page", 1, type=int), 25)
    return render_template(
        "webhooks/detail.html",
        subscription=subscription,
        page=page,
        status=status,
        action_form=EmptyForm(),
        event_labels=EVENT_LABELS,
    )


def _act(subscription_id: int, change, message: str):
    db = get_session()
    subscription = _subscription(subscription_id)
    if EmptyForm().validate_on_submit():
        change(db, subscription)
        db.commit()
        flash(message, "success")
    return redirect(url_for("webhooks_admin.detail", subscription_id=subscription.id))


@bp.route("/<int:subscription_id>/pause", methods=["POST"])
def pause(subscription_id: int):
    return _act(subscription_id, lambda db, s: services.pause(db, current_user, s), _("Paused."))


@bp.route("/<int:subscription_id>/resume", methods=["POST"])
def resume(subscription_id: int):
    return _act(
        subscription_id,
        lambda db, s: services.resume(db, current_user, s),
        _("Resumed: waiting deliveries are being sent."),
    )


@bp.route("/<int:subscription_id>/test", methods=["POST"])
def send_test(subscription_id: int):
    return _act(
        subscription_id,
        lambda db, s: services.send_test(db, current_user, s),
        _("A test event is on its way; its result appears in the delivery log."),
    )


@bp.route("/<int:subscription_id>/rotate", methods=["POST"])
def rotate(subscription_id: int):
    db = get_session()
    subscription = _subscription(subscription_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("webhooks_admin.detail", subscription_id=subscription.id))
    secret = services.rotate_secret(db, current_user, subscription)
    db.commit()
    return _show_secret(subscription, secret)


@bp.route("/<int:subscription_id>/delete", methods=["POST"])
def delete(subscription_id: int):
    db = get_session()
    subscription = _subscription(subscription_id)
    if EmptyForm().validate_on_submit():
        services.delete(db, current_user, subscription)
        db.commit()
        flash(_("The subscription was deleted."), "success")
        return redirect(url_for("webhooks_admin.index"))
    return redirect(url_for("webhooks_admin.detail", subscription_id=subscription.id))


@bp.route("/deliveries/<int:delivery_id>/redeliver", methods=["POST"])
def redeliver(delivery_id: int):
    db = get_session()
    delivery = access.load_staff_object(WebhookDelivery, delivery_id)
    if EmptyForm().validate_on_submit():
        services.redeliver(db, current_user, delivery)
        db.commit()
        flash(_("Queued again."), "success")
    return redirect(url_for("webhooks_admin.detail", subscription_id=delivery.subscription_id))

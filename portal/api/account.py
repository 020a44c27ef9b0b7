"""The API-token panel of the account page: create (secret shown once), list, revoke."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, Length

from knowledge_base.errors import FieldError
from portal import audit
from portal.api import tokens
from portal.auth.forms import EmptyForm
from portal.db import get_session

bp = Blueprint("api_tokens", __name__)


class TokenForm(FlaskForm):
    """Name, scopes and lifetime of a new token."""

    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=tokens.NAME_MAX)])
    scopes = SelectMultipleField(
        _l("Scopes"),
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
    )
    days = SelectField(_l("Expires after"), default="90")


def token_form(user: Any, formdata: Any = True) -> TokenForm:
    """The form with the scopes this user may give and the allowed lifetimes."""
    form = TokenForm(prefix="token") if formdata else TokenForm(prefix="token", formdata=None)
    form.scopes.choices = [(s, f"{s} — {tokens.SCOPES[s]}") for s in tokens.scopes_for(user)]
    max_days = current_app.config["API_TOKEN_MAX_DAYS"]
    form.days.choices = [(str(d), _("%(n)d days", n=d)) for d in tokens.LIFETIMES if d <= max_days] or [
        (str(max_days), _("%(n)d days", n=max_days))
    ]
    return form


def panel(user: Any, form: TokenForm | None = None, secret: str | None = None) -> dict[str, Any]:
    """What the account page needs to show the token panel."""
    return {
        "token_form": form or token_form(user, formdata=False),
        "api_tokens": tokens.tokens_of(get_session(), user),
        "token_is_live": tokens.is_live,
        "new_token_secret": secret,
        "revoke_form": EmptyForm(),
    }


def _account_page(form: TokenForm, secret: str | None = None, status: int = 200):
    from portal.auth import forms as auth_forms
    from portal.auth.views import render_account

    user = current_user._get_current_object()
    return render_account(
        user,
        auth_forms.AccountForm(obj=user, prefix="account", formdata=None),
        auth_forms.ChangePasswordForm(prefix="pw", formdata=None),
        status,
        **panel(user, form, secret),
    )


@bp.route("/account/tokens", methods=["POST"])
@login_required
def create():
    """Create a token; the page shows its secret this once (never stored, never flashed)."""
    db = get_session()
    user = current_user._get_current_object()
    form = token_form(user)
    if not form.validate_on_submit():
        return _account_page(form, status=400)
    try:
        new = tokens.create_token(
            db,
            user,
            form.name.data or "",
            list(form.scopes.data or []),
            int(form.days.data or 0),
            max_days=current_app.config["API_TOKEN_MAX_DAYS"],
        )
    except FieldError as exc:
        db.rollback()
        exc.attach_to(form, "name")
        return _account_page(form, status=400)
    audit.record(
        db,
        "api_token.created",
        actor=user,
        target=new.token.name,
        token=new.token.id,
        scopes=new.token.scopes,
    )
    db.commit()
    return _account_page(token_form(user, formdata=False), secret=new.secret)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    """Revoke one of your tokens (others' tokens are 404)."""
    db = get_session()
    if not EmptyForm().validate_on_submit():
        abort(400)
    token = tokens.revoke(db, current_user, token_id)
    if token is None:
        abort(404)
    audit.record(db, "api_token.revoked", actor=current_user, target=token.name, token=token.id)
    db.commit()
    flash(_("The token %(name)s is revoked.", name=token.name), "success")
    return redirect(url_for("auth.account"))

"""The page a guest customer opens from their mail to choose a password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import logout_user

from portal import audit
from portal.auth import forms, services
from portal.db import get_session
from portal.mail_in.mailing import guest_tokens

bp = Blueprint("mail_in", __name__)


@bp.route("/welcome/<token>", methods=["GET", "POST"])
def welcome(token: str):
    db = get_session()
    user = guest_tokens().user_for(db, token)
    if user is None:
        flash(_("This link is invalid, expired or already used. Ask for a password reset link."), "error")
        return redirect(url_for("auth.reset_request"))
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        services.set_password(db, user, form.password.data, current_app.config["ARGON2_PARAMS"])
        services.confirm_email(db, user)  # the link proved the mailbox
        audit.record(db, "password.set_by_guest", actor=user, target=user.email)
        db.commit()
        session.clear()
        logout_user()
        flash(_("Your password is set. Log in to follow your requests."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)

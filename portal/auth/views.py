"""Registration, login, logout, password reset and the account page."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from knowledge_base.errors import FieldError
from portal import access, audit
from portal.auth import forms, mailing, services
from portal.auth.identity import clean_name, limit_key
from portal.db import get_session
from portal.extensions import limiter
from portal.kb import addresses
from portal.mail import defer
from portal.security import is_safe_redirect

bp = Blueprint("auth", __name__)


def _hash_params() -> dict:
    return current_app.config["ARGON2_PARAMS"]


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _reset_limit() -> str:
    return current_app.config["RESET_RATE_LIMIT"]


def _mail_limit() -> str:
    return current_app.config["RESET_MAIL_LIMIT"]


def _register_limit() -> str:
    return current_app.config["REGISTER_RATE_LIMIT"]


def _submitted_email() -> str:
    """Rate-limit key of the typed address: every spelling of one address shares one bucket."""
    return "email:" + limit_key(request.form.get("email") or "")


def _reset_tokens() -> services.ResetTokens:
    return services.ResetTokens(
        current_app.config["SECRET_KEY"], current_app.config["PASSWORD_RESET_MAX_AGE"]
    )


def _confirm_tokens() -> services.ResetTokens:
    return services.confirm_tokens(current_app.config["SECRET_KEY"], current_app.config["CONFIRM_MAX_AGE"])


def _redirect_after_login():
    target = request.args.get("next") or request.form.get("next")
    if is_safe_redirect(target):
        return redirect(target)
    from portal.workspace.views import is_staff

    return redirect(url_for("workspace.home" if is_staff(current_user) else "main.home"))


def _start_session(user, remember: bool = False) -> None:
    """A fresh session for `user` (no fixation), in their language."""
    session.clear()
    login_user(user, remember=remember)
    if user.locale:
        session["locale"] = user.locale


REGISTER_SENT = _l(
    "Check your mailbox: we have sent a link to that address. Open it within three days to finish "
    "creating your account."
)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
@limiter.limit(_mail_limit, methods=["POST"], key_func=_submitted_email)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = forms.RegisterForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            job, user_id = services.register(
                db,
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                hash_params=_hash_params(),
                locale=session.get("locale"),
            )
            db.commit()
        except FieldError as exc:
            exc.attach_to(form, "email")
        else:
            defer(getattr(mailing, job), user_id)
            flash(str(REGISTER_SENT), "info")
            return redirect(url_for("auth.login"))
    return render_template("auth/register.html", form=form)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def confirm(token: str):
    """The mailed registration link: a button (mail scanners only GET), then the account is live."""
    db = get_session()
    user = _confirm_tokens().user_for(db, token)
    if user is None:
        flash(_("This link is invalid, expired or already used. Log in or reset your password."), "error")
        return redirect(url_for("auth.login"))
    form = forms.EmptyForm()
    if form.validate_on_submit():
        services.confirm_email(db, user)
        db.commit()
        _start_session(user)
        flash(_("Welcome, %(name)s! Your account is ready.", name=user.name), "success")
        return redirect(url_for("main.home"))
    return render_template("auth/confirm.html", form=form, user=user)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_submitted_email)
def login():
    if current_user.is_authenticated:
        return _redirect_after_login()
    form = forms.LoginForm()
    if form.validate_on_submit():
        db = get_session()
        user = services.authenticate(db, form.email.data, form.password.data, _hash_params())
        db.commit()
        if user is not None and user.email_confirmed_at is None:
            form.email.errors.append(
                _("Confirm your address first: open the link we mailed you when you registered.")
            )
        elif user is not None:
            _start_session(user, remember=form.remember.data)
            return _redirect_after_login()
        else:
            form.password.errors.append(_("The email or password is not correct."))
    return render_template("auth/login.html", form=form, next=request.args.get("next", ""))


@bp.route("/logout", methods=["POST"])
def logout():
    form = forms.EmptyForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        db = get_session()
        user = current_user._get_current_object()
        services.end_sessions(db, user)  # copied session or remember-me cookies die too
        audit.record(db, "logout", actor=user, target=user.email)
        db.commit()
        session.clear()
        logout_user()  # after clear(): it leaves the note that deletes the remember-me cookie
        flash(_("You have been logged out."), "info")
    return redirect(url_for("main.home"))


RESET_SENT = _l(
    "If an account exists for that address, we have sent a link to reset the password. "
    "It is valid for one hour."
)


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
@limiter.limit(_mail_limit, methods=["POST"], key_func=_submitted_email)
def reset_request():
    form = forms.ResetRequestForm()
    if form.validate_on_submit():
        db = get_session()
        user_id = services.request_reset(db, form.email.data)
        db.commit()
        defer(mailing.send_reset_mail, user_id)  # queued for unknown addresses too: same work here
        flash(str(RESET_SENT), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def reset_password(token: str):
    db = get_session()
    user = _reset_tokens().user_for(db, token)
    if user is None:
        flash(_("This reset link is invalid, expired or already used. Ask for a new one."), "error")
        return redirect(url_for("auth.reset_request"))
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        services.set_password(db, user, form.password.data, _hash_params())
        services.confirm_email(db, user)  # the link proved the mailbox
        audit.record(db, "password.reset", actor=user, target=user.email)
        db.commit()
        session.clear()
        logout_user()
        flash(_("Your password has been changed. You can log in now."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    db = get_session()
    user = current_user._get_current_object()
    form = forms.AccountForm(obj=user, prefix="account")
    password_form = forms.ChangePasswordForm(prefix="pw")
    if request.method == "POST" and "account-name" in request.form and form.validate():
        user.name = clean_name(form.name.data)
        user.locale = form.locale.data
        if user.marketing_consent != form.marketing_consent.data:
            audit.record(
                db,
                "consent.changed",
                actor=user,
                target=user.email,
                marketing_consent=form.marketing_consent.data,
            )
        user.marketing_consent = form.marketing_consent.data
        user.notify_by_email = form.notify_by_email.data
        user.timezone = form.timezone.data or None
        db.commit()
        session["locale"] = user.locale
        flash(_("Your account has been updated."), "success")
        return redirect(url_for("auth.account"))
    if request.method == "POST" and "pw-current_password" in request.form and password_form.validate():
        try:
            services.change_password(
                db,
                user,
                password_form.current_password.data,
                password_form.password.data,
                _hash_params(),
            )
        except FieldError as exc:
            exc.attach_to(password_form, "current_password")
        else:
            db.commit()
            login_user(user)  # the new stamp ends other sessions; keep this one
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("auth.account"))
    return render_account(user, form, password_form)


def render_account(user, form, password_form, status: int = 200, **panels: Any):
    """The account page with every panel the user's role has; `panels` replaces a panel's
    context (the token panel after a token was created, say)."""
    from portal.api.account import panel

    mail_form = None
    if access.allows(user, access.Action.WORK_QUEUE):
        from portal.requests.staff_views import preferences_form

        mail_form = preferences_form(get_session(), filled=True)
    context = {"mail_form": mail_form, "export_form": forms.EmptyForm(formdata=None), **panel(user), **panels}
    return render_template("auth/account.html", form=form, password_form=password_form, **context), status


@bp.route("/language", methods=["POST"])
def set_language():
    form = forms.LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            current_user.locale = form.locale.data
            get_session().commit()
    target = request.form.get("next")
    if not is_safe_redirect(target):
        return redirect(url_for("main.home"))
    # a knowledge-base page goes to its version in the new language (its own address)
    return redirect(addresses.switched_path(get_session(), target, str(form.locale.data or "")))

"""Account forms; field names follow DESIGN.md."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, StopValidation, ValidationError

from knowledge_base.locales import LOCALES
from portal.auth.passwords import MAX_PASSWORD_LENGTH, password_problems
from portal.formats import timezone_names

LANGUAGE_NAMES = {"en": "English", "pl": "Polski", "cs": "Čeština", "ru": "Русский"}


class _Capped:
    """Refuse passwords longer than MAX_PASSWORD_LENGTH before they reach the hasher (stops the chain)."""

    def __call__(self, form: FlaskForm, field: PasswordField) -> None:
        if len(field.data or "") > MAX_PASSWORD_LENGTH:
            raise StopValidation(str(_l("Use at most %(n)d characters.", n=MAX_PASSWORD_LENGTH)))


class _PasswordPolicy:
    """WTForms validator applying the password policy."""

    def __call__(self, form: FlaskForm, field: PasswordField) -> None:
        email = getattr(form, "email", None)
        name = getattr(form, "name", None)
        problems = password_problems(
            field.data or "",
            current_app.config["PASSWORD_MIN_LENGTH"],
            email=(email.data or "") if email else "",
            name=(name.data or "") if name else "",
        )
        if problems:
            raise ValidationError(" ".join(str(p) for p in problems))


class RegisterForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), _Capped(), _PasswordPolicy()])
    password_confirm = PasswordField(
        _l("Confirm password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), _Capped()])
    remember = BooleanField(_l("Remember me"))


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), _Capped(), _PasswordPolicy()])
    password_confirm = PasswordField(
        _l("Confirm password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )


class AccountForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    locale = SelectField(_l("Language"), choices=[(code, LANGUAGE_NAMES[code]) for code in LOCALES])
    marketing_consent = BooleanField(_l("Show me offers that fit my products"))
    notify_by_email = BooleanField(_l("Email me about replies and status changes of my requests"))
    timezone = SelectField(_l("Time zone"), choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        default = _l("Site default (%(zone)s)", zone=current_app.config["DEFAULT_TIMEZONE"])
        self.timezone.choices = [("", default)] + [(zone, zone) for zone in timezone_names()]
        if self.timezone.data is None:
            self.timezone.data = ""


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), _Capped()])
    password = PasswordField(_l("New password"), validators=[DataRequired(), _Capped(), _PasswordPolicy()])
    password_confirm = PasswordField(
        _l("Confirm password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=[(code, LANGUAGE_NAMES[code]) for code in LOCALES])


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for POST buttons (log out, deactivate)."""

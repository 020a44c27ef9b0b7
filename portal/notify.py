"""Mail to people, rendered from templates in the recipient's language."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale

from portal import mail


def send_templated(to: str, locale: str | None, template: str, subject: object, **context: Any) -> None:
    """Render `mail/<template>.txt` in `locale` and send it to `to`."""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = render_template(f"mail/{template}.txt", **context)
        message = mail.build_message(current_app.config["MAIL_FROM"], to, str(subject), text)
    mail.send(current_app.config["MAIL_URL"], message)

"""Outgoing mail: `outbox://DIR` writes .eml files, `smtp://` sends for real.

Links in mail come from `external_url` (the configured PORTAL_BASE_URL, never the
request's Host header). `defer` sends off the request thread: on the RQ worker when
Redis is configured, else on a small background thread of this process.
"""

from __future__ import annotations

import smtplib
import ssl
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from flask import Flask, current_app


class MailError(RuntimeError):
    """The mail URL is invalid or the message could not be handed over."""


def build_message(sender: str, to: str, subject: str, text: str, html: str | None = None):
    """Build a MIME message with a plain-text part and an optional HTML part."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="shopkeeper.example")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def send(mail_url: str, message: EmailMessage) -> None:
    """Deliver `message` through the transport named by `mail_url`."""
    parts = urlsplit(mail_url)
    if parts.scheme == "outbox":
        folder = Path(unquote(parts.netloc + parts.path))
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{uuid.uuid4().hex}.eml").write_bytes(message.as_bytes())
    elif parts.scheme in ("smtp", "smtps"):
        _send_smtp(parts, message)
    else:
        raise MailError(f"Unsupported mail URL scheme {parts.scheme!r} (use outbox:// or smtp://)")


def _send_smtp(parts, message: EmailMessage) -> None:
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    host, port = parts.hostname or "localhost", parts.port
    timeout = float(options.get("timeout", 10))
    try:
        if parts.scheme == "smtps":
            client = smtplib.SMTP_SSL(host, port or 465, timeout=timeout)
        else:
            client = smtplib.SMTP(host, port or 25, timeout=timeout)
        with client:
            if options.get("starttls") in ("1", "true", "yes"):
                client.starttls(context=ssl.create_default_context())
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"Could not send mail via {host}: {exc}") from exc


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL for a mail, built on PORTAL_BASE_URL whatever Host the request carried."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


_EXECUTOR_LOCK = threading.Lock()


def _executor(app: Flask) -> ThreadPoolExecutor:
    with _EXECUTOR_LOCK:
        if "mail_executor" not in app.extensions:
            app.extensions["mail_executor"] = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mail")
            app.extensions["mail_pending"] = set()
        return app.extensions["mail_executor"]


def _run_in_context(app: Flask, job: Callable[..., None], args: tuple) -> None:
    """Run a mail job in a request context on PORTAL_BASE_URL (templates expect one).

    Failures are logged, never raised at anyone.
    """
    with app.test_request_context("/", base_url=app.config["BASE_URL"]):
        try:
            job(*args)
        except Exception:  # a background job has nobody to answer to: log it
            app.logger.exception("Mail job %s failed", getattr(job, "__name__", job))


def run_job(job: Callable[..., None], *args: Any) -> None:
    """RQ entry point: build the app from the environment and run `job` in its context."""
    from portal import create_app

    _run_in_context(create_app(), job, args)


def defer(job: Callable[..., None], *args: Any) -> None:
    """Run `job(*args)` off the request thread: RQ when Redis is configured, else a local thread.

    `job` must be a module-level function (RQ imports it by name) that reads what it needs
    from the database itself, so the request thread does the same work whatever the job does.
    """
    app = current_app._get_current_object()
    if app.config.get("REDIS_URL"):
        try:
            from portal import jobs

            jobs.queue(app).enqueue(run_job, job, *args, job_timeout=120)
            return
        except Exception:  # Redis is down: deliver from this process instead of losing the mail
            app.logger.warning("Could not queue a mail job on Redis; sending from the web process")
    in_background(app, job, *args)


def in_background(app: Flask, job: Callable[..., None], *args: Any) -> None:
    """Run `job(*args)` on this process's mail threads, so that no page waits for an SMTP server."""
    future: Future = _executor(app).submit(_run_in_context, app, job, args)
    pending: set = app.extensions["mail_pending"]
    pending.add(future)
    future.add_done_callback(pending.discard)


def wait_for_deferred(app: Flask, timeout: float = 30) -> None:
    """Block until the mail jobs started in this process are done (tests; orderly shutdown)."""
    pending = list(app.extensions.get("mail_pending", ()))
    if pending:
        wait(pending, timeout=timeout)

"""Bodies of `portal mail fetch` and `portal mail ingest` (registered in portal/cli.py)."""

from __future__ import annotations

import sys

import click
from flask import current_app

from portal.db import get_session
from portal.mail_in.fetch import fetch_all
from portal.mail_in.ingest import process
from portal.models import Mailbox


def fetch_command(mailbox: str | None) -> int:
    """Fetch new mail from every active mailbox (or one); prints a line per mailbox, returns the exit code."""
    app = current_app._get_current_object()
    reports = fetch_all(get_session(), app.config, mailbox)
    if mailbox and not reports:
        raise click.ClickException(f"No mailbox named {mailbox!r}.")
    failed = False
    for report in reports:
        counts = (
            ", ".join(f"{n} {outcome}" for outcome, n in sorted(report.counts().items())) or "no new mail"
        )
        click.echo(f"{report.mailbox}: {counts}")
        if report.error:
            failed = True
            click.echo(f"{report.mailbox}: error: {report.error}", err=True)
    return 1 if failed else 0


def ingest_command(mailbox: str | None) -> int:
    """Ingest one message from standard input (for MTAs that pipe mail); exit code 0 once it is safe.

    Exit code 75 (EX_TEMPFAIL) tells the MTA to keep the message and try again later.
    """
    app = current_app._get_current_object()
    raw = sys.stdin.buffer.read()
    db = get_session()
    box = None
    if mailbox:
        box = db.query(Mailbox).filter_by(name=mailbox).one_or_none()
        if box is None:
            raise click.ClickException(f"No mailbox named {mailbox!r}.")
    try:
        result = process(db, raw, app.config, box)
    except Exception as exc:  # not even the quarantine could be written: let the MTA retry
        click.echo(f"temporary failure: {type(exc).__name__}: {exc}", err=True)
        return 75
    click.echo(" ".join(p for p in (result.outcome, result.reference or "", result.detail) if p))
    return 0

"""`portal privacy retention`: pseudonymise closed requests older than the retention period."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.db import get_session

#: A month for the retention period, as GDPR practice counts it (30 days).
MONTH = timedelta(days=30)


@click.group("privacy", help="Personal data: retention.")
def privacy_group() -> None:
    pass


@privacy_group.command("retention")
@click.option("--months", type=click.IntRange(min=1), default=None, help="Default: PORTAL_RETENTION_MONTHS.")
@with_appcontext
def retention(months: int | None) -> None:
    """Pseudonymise the personal data of requests closed more than N months ago.

    Safe to run from cron: requests already done are skipped, and each batch is one transaction.
    """
    from portal.privacy import erase

    months = months or current_app.config.get("RETENTION_MONTHS")
    if not months:
        raise click.ClickException("Give --months N or set PORTAL_RETENTION_MONTHS.")
    cutoff = erase.now() - months * MONTH
    folder = Path(current_app.config["INSTANCE_PATH"]) / "attachments"
    db = get_session()
    total = erase.Erasure()
    while True:
        batch = erase.retention(db, cutoff=cutoff, attachment_folder=folder)
        db.commit()
        erase.delete_files(batch.files)
        total.requests += batch.requests
        total.attachments += batch.attachments
        if not batch.requests:
            break
    click.echo(
        f"Pseudonymised {total.requests} request(s) closed before {cutoff:%Y-%m-%d}; "
        f"deleted {total.attachments} attachment(s)."
    )

"""`portal webhooks deliver`: send every due webhook delivery (cron-safe, idempotent)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.db import get_session


@click.group("webhooks", help="Webhook deliveries.")
def webhooks_group() -> None:
    pass


@webhooks_group.command("deliver")
@click.option("--limit", default=500, show_default=True, help="At most this many attempts in one run.")
@with_appcontext
def deliver(limit: int) -> None:
    """Send the deliveries that are due, retries included (run from cron every minute).

    Safe to run while another run, the worker or a web process sends: each delivery is claimed
    before it is posted, so none is posted twice at once.
    """
    from portal.webhooks.delivery import deliver_due

    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        made = deliver_due(get_session(), timeout=current_app.config["WEBHOOK_TIMEOUT"], limit=limit)
    click.echo(f"Made {made} delivery attempt(s).")

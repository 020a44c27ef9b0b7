"""The `portal` command: Flask's CLI plus database, users and demo data commands."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from portal.db import get_session
from portal.models import Role


def init_app(app: Flask) -> None:
    """Register the command groups on the app."""
    app.cli.add_command(db_group)
    app.cli.add_command(users_group)
    app.cli.add_command(seed_demo)
    app.cli.add_command(sla_group)
    app.cli.add_command(kb_group)
    app.cli.add_command(linker_group)
    app.cli.add_command(worker)
    app.cli.add_command(outbox_group)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(mail_group)
    from portal.privacy.cli import privacy_group
    from portal.webhooks.cli import webhooks_group

    app.cli.add_command(webhooks_group)
    app.cli.add_command(privacy_group)
    from portal.customers.cli import customers_group

    app.cli.add_command(customers_group)


@click.group("db", help="Database schema migrations.")
def db_group() -> None:
    pass


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Upgrade the schema (default: to the latest revision)."""
    from portal import migrate

    migrate.upgrade(current_app, revision)
    click.echo(f"Database at {revision}.")


@db_group.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Downgrade the schema to REVISION."""
    from portal import migrate

    migrate.downgrade(current_app, revision)


@db_group.command("analyze")
@with_appcontext
def db_analyze() -> None:
    """Refresh the planner statistics (run after bulk loads, or nightly from cron)."""
    from portal import migrate

    migrate.analyze(current_app)
    click.echo("Planner statistics refreshed.")


@click.group("users", help="Manage accounts.")
def users_group() -> None:
    pass


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.CUSTOMER.value)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def users_create(email: str, name: str, role: str, password: str) -> None:
    """Create an account (staff accounts are made this way or on /admin/users)."""
    from knowledge_base.errors import FieldError
    from portal import audit
    from portal.auth.passwords import password_problems
    from portal.auth.services import create_user

    problems = password_problems(password, current_app.config["PASSWORD_MIN_LENGTH"], email=email)
    if problems:
        raise click.ClickException(" ".join(str(p) for p in problems))
    db = get_session()
    try:
        user = create_user(
            db,
            email=email,
            name=name,
            password=password,
            role=Role(role),
            hash_params=current_app.config["ARGON2_PARAMS"],
        )
    except FieldError as exc:
        raise click.ClickException(str(exc)) from exc
    audit.record(db, "user.created", target=user.email, role=role, via="cli")
    db.commit()
    click.echo(f"Created {role} {user.email}.")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
@with_appcontext
def seed_demo(if_empty: bool) -> None:
    """Load the demo company: users per role, products, categories (idempotent)."""
    from portal.kb import search_service
    from portal.seed import seed_demo_data

    db = get_session()
    report = seed_demo_data(db, current_app.config, if_empty=if_empty)
    search_service.reindex(db)
    for line in report:
        click.echo(line)


@click.group("sla", help="Service-level clocks.")
def sla_group() -> None:
    pass


@sla_group.command("escalate")
@with_appcontext
def sla_escalate() -> None:
    """Escalate overdue requests once each (safe to run from cron)."""
    from knowledge_base.db import utcnow
    from portal.mailout import outbox
    from portal.requests import notifications
    from portal.requests.sla import escalate_overdue

    db = get_session()
    with current_app.test_request_context(base_url=current_app.config.get("BASE_URL") or "http://localhost"):
        escalated = escalate_overdue(db, utcnow())
        for request in escalated:
            notifications.escalation_told(db, request)
        db.commit()
        outbox.dispatch(db)
    click.echo(f"Escalated {len(escalated)} overdue request(s).")


@click.group("kb", help="Knowledge base: import, export, reindex.")
def kb_group() -> None:
    pass


@kb_group.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def kb_import(folder: Path) -> None:
    """Load Markdown files with front matter (idempotent by slug and locale)."""
    from knowledge_base.importer import import_folder, markdown_files
    from portal.kb import search_service

    db = get_session()
    files = list(markdown_files(folder))
    with click.progressbar(length=len(files), label="Importing") as bar:
        report = import_folder(db, folder, progress=lambda _path: bar.update(1))
    db.commit()
    search_service.sync(report.published)
    from portal.marketing import linking

    for article in report.published:
        linking.scan_article(db, article)
    db.commit()
    click.echo(
        f"created {len(report.created)}, updated {len(report.updated)}, "
        f"unchanged {len(report.unchanged)}, rejected {len(report.rejected)}"
    )
    for name, reason in report.rejected:
        click.echo(f"  rejected {name}: {reason}")


@kb_group.command("export")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def kb_export(folder: Path) -> None:
    """Write every article back as Markdown with front matter."""
    from knowledge_base.importer import export_folder

    click.echo(f"exported {export_folder(get_session(), folder)} articles to {folder}")


@kb_group.command("reindex")
@with_appcontext
def kb_reindex() -> None:
    """Rebuild the search index from the database (repairs a crash between commit and index update)."""
    from portal.kb import search_service

    click.echo(f"indexed {search_service.reindex(get_session())} published articles")


@click.group("linker", help="Offer links in articles.")
def linker_group() -> None:
    pass


@linker_group.command("rescan")
@click.option("--article", "article_slug", default="", help="Only this article (slug).")
@click.option("--offer", "offer_code", default="", help="Report only this offer's suggestions.")
@with_appcontext
def linker_rescan(article_slug: str, offer_code: str) -> None:
    """Scan published articles again, e.g. after offers or blocklists changed."""
    from sqlalchemy import func, select

    from knowledge_base.models import Article, ArticleStatus
    from portal.marketing import linking

    db = get_session()
    total = db.scalar(select(func.count(Article.id)).where(Article.status == ArticleStatus.PUBLISHED))
    with click.progressbar(length=total or 0, label="Scanning") as bar:
        stored = linking.rescan(
            db, article_slug=article_slug, offer_code=offer_code, progress=lambda _a: bar.update(1)
        )
    db.commit()
    click.echo(f"stored {stored} suggestion(s)")


@linker_group.command("overrides-export")
@click.option("--lang", default="", help="Only this language (en, pl, cs, ru).")
@click.option("--include-revoked", is_flag=True, help="Also revoked overrides (status column says which).")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-", help="Default: stdout.")
@with_appcontext
def linker_overrides_export(lang: str, include_revoked: bool, output) -> None:
    """Write marketers' overrides as training data (CSV; see linker/README.md)."""
    from knowledge_base.locales import LOCALES
    from portal.marketing import overrides

    if lang and lang not in LOCALES:
        raise click.BadParameter(f"one of {', '.join(LOCALES)}", param_hint="--lang")
    output.write(overrides.export_csv(get_session(), locale=lang, include_revoked=include_revoked))


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker(burst: bool) -> None:
    """Run the background worker (needs PORTAL_REDIS_URL): link scans and mail off the request path."""
    from portal import jobs

    queue = jobs.queue()
    if queue is None:
        raise click.ClickException("PORTAL_REDIS_URL is not set: jobs run inline, no worker is needed.")
    if not burst:
        from portal.mail_in.schedule import start_polling

        start_polling(
            current_app._get_current_object(), queue
        )  # mailboxes fetched every PORTAL_MAIL_POLL_SECONDS
    jobs.run_worker(queue, burst=burst)


@click.group("outbox", help="Outgoing mail waiting in the database outbox.")
def outbox_group() -> None:
    pass


@outbox_group.command("flush")
@with_appcontext
def outbox_flush() -> None:
    """Send every mail that is due (safe to run from cron: rows are claimed before sending)."""
    from portal.mailout import outbox

    db = get_session()
    sent, failed = outbox.flush(db, current_app.config)
    waiting = outbox.backlog(db)["count"]
    click.echo(f"sent {sent}, failed {failed}, waiting {waiting}")


@outbox_group.command("status")
@with_appcontext
def outbox_status() -> None:
    """How many mails wait, the oldest one and the last error."""
    from portal.mailout import outbox

    info = outbox.backlog(get_session())
    click.echo(f"waiting {info['count']} (failed {info['failed']}), oldest {info['oldest'] or '-'}")
    if info["last_error"] is not None:
        click.echo(f"last error: {info['last_error'].last_error}")


@click.group("mail", help="Inbound mail: fetch mailboxes, ingest piped messages.")
def mail_group() -> None:
    pass


@mail_group.command("fetch")
@click.option("--mailbox", default=None, help="Only this mailbox (name).")
@with_appcontext
def mail_fetch(mailbox: str | None) -> None:
    """Read new mail from the configured mailboxes (idempotent; safe from cron)."""
    from portal.mail_in.commands import fetch_command

    raise SystemExit(fetch_command(mailbox))


@mail_group.command("ingest")
@click.option("--mailbox", default=None, help="Apply this mailbox's defaults (name).")
@with_appcontext
def mail_ingest(mailbox: str | None) -> None:
    """Ingest one message from standard input: `portal mail ingest < message.eml` (for MTA pipes)."""
    from portal.mail_in.commands import ingest_command

    raise SystemExit(ingest_command(mailbox))


@click.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--portable",
    is_flag=True,
    help="Rows as JSON through SQLAlchemy instead of pg_dump / SQLite's backup (moves between databases).",
)
@with_appcontext
def backup_command(dest: Path, portable: bool) -> None:
    """Write the database, the attachments and a manifest into one archive DEST (.tar.gz)."""
    from portal import audit, backup

    try:
        manifest = backup.create_backup(current_app, dest, portable=portable, log=click.echo)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    db = get_session()
    audit.record(db, "backup.created", target=str(dest), via="cli", format=manifest["database"]["format"])
    db.commit()


@click.command("restore")
@click.argument("src", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the data of an instance that is not empty.")
@with_appcontext
def restore_command(src: Path, force: bool) -> None:
    """Restore an archive made by `portal backup` into an empty instance (checksums and counts verified)."""
    from portal import audit, backup

    try:
        manifest = backup.restore_backup(current_app, src, force=force, log=click.echo)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    db = get_session()
    audit.record(
        db, "backup.restored", target=str(src), via="cli", forced=force, created_at=manifest["created_at"]
    )
    db.commit()


def main() -> None:
    """Entry point of the `portal` console script."""
    from portal import create_app

    FlaskGroup(create_app=lambda: create_app(), help="Shopkeeper portal administration.")()

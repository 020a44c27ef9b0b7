"""`portal customers …`: import ERP order totals, classify customers (cron-safe, batched, restartable)."""

from __future__ import annotations

import secrets
import sys
from datetime import date, timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from knowledge_base.db import utcnow
from portal.db import get_session


@click.group("customers", help="Customer value, classes and ERP imports.")
def customers_group() -> None:
    pass


@customers_group.command("import-orders")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--partial", is_flag=True, help="Import the good rows even when some rows are bad.")
@with_appcontext
def import_orders_command(csv_file: Path, partial: bool) -> None:
    """Import order totals (columns email, order_ref, total, ordered_on) from CSV_FILE.

    Every bad row is listed with its line and reason. Without --partial nothing is imported when
    any row is bad (exit code 2); with --partial the good rows are imported (exit code 1 if some
    were bad).
    """
    from portal.customers.orders import import_orders, record_import

    db = get_session()
    with csv_file.open(newline="", encoding="utf-8-sig") as handle:
        try:
            report = import_orders(db, handle, date.today(), partial=partial)
        except UnicodeDecodeError as exc:
            db.rollback()
            raise click.ClickException(f"{csv_file} is not UTF-8 text ({exc.reason})") from None
        except Exception:
            db.rollback()
            raise
    for line, reason in report.errors:
        click.echo(f"{csv_file}:{line}: {reason}", err=True)
    if report.errors and not report.written:
        db.rollback()
        click.echo(
            f"{len(report.errors)} bad row(s); nothing imported (use --partial to import the rest).", err=True
        )
        sys.exit(2)
    record_import(db, None, report, "cli")
    db.commit()
    click.echo(
        f"{report.created} order(s) imported, {report.updated} updated, "
        f"{len(report.errors)} bad row(s) skipped."
    )
    if report.errors:
        sys.exit(1)


@customers_group.command("classify")
@click.option("--batch-size", default=50_000, show_default=True, type=click.IntRange(100, 1_000_000))
@click.option("--restart", is_flag=True, help="Start afresh instead of resuming an interrupted run.")
@click.option("--quiet", is_flag=True, help="No progress bar (for cron).")
@with_appcontext
def classify_command(batch_size: int, restart: bool, quiet: bool) -> None:
    """Recompute every customer's value and ABC class (resumes an interrupted run)."""
    from portal.customers import classify

    db = get_session()
    owner = secrets.token_hex(8)
    spec = current_app.config["CUSTOMER_VALUE_SOURCE"]
    window_start = date.today() - timedelta(days=current_app.config["CUSTOMER_VALUE_WINDOW_DAYS"])
    try:
        run = classify.begin(db, spec, window_start, owner, utcnow(), restart=restart)
        db.commit()
    except classify.RunBusy as exc:
        db.rollback()
        click.echo(f"{exc}; try again later.", err=True)
        sys.exit(2)
    except ValueError as exc:
        db.rollback()
        raise click.ClickException(str(exc)) from None
    done_before = run.last_user_id + (run.max_user_id if run.phase == "classes" else 0)
    with click.progressbar(
        length=max(2 * run.max_user_id, 1),
        label=f"Classifying (run {run.id})",
        file=None if not quiet else _Null(),
    ) as bar:
        bar.update(min(done_before, 2 * run.max_user_id))
        while True:
            try:
                moved = classify.step(db, run, batch_size, owner, utcnow())
            except classify.RunBusy as exc:
                db.rollback()
                click.echo(f"\n{exc}; stopping.", err=True)
                sys.exit(2)
            db.commit()
            if not moved:
                break
            bar.update(moved)
    counts = classify.class_counts(db)
    summary = ", ".join(f"{c}: {counts.get(c, (0, 0))[0]}" for c in ("A", "B", "C"))
    click.echo(f"Classified {sum(n for n, _ in counts.values())} customers ({summary}).")


class _Null:
    """A file that swallows the progress bar."""

    def write(self, _text: str) -> int:
        return 0

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

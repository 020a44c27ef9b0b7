"""Alembic, driven from the app configuration (`portal db upgrade`)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from flask import Flask


def alembic_config(app: Flask) -> Config:
    """An Alembic config pointing at our migrations and the app's database."""
    from portal import resource_dir

    cfg = Config()
    cfg.set_main_option("script_location", str(resource_dir("migrations")))
    cfg.set_main_option("sqlalchemy.url", app.config["DATABASE_URL"].replace("%", "%%"))
    cfg.attributes["engine"] = app.extensions["db_engine"]
    return cfg


def upgrade(app: Flask, revision: str = "head") -> None:
    """Bring the database schema up to `revision`."""
    command.upgrade(alembic_config(app), revision)


def downgrade(app: Flask, revision: str) -> None:
    """Take the database schema down to `revision`."""
    command.downgrade(alembic_config(app), revision)


def analyze(app: Flask) -> None:
    """Refresh the query planner's statistics (ANALYZE, on SQLite and PostgreSQL alike).

    SQLite plans the staff queue well only with statistics: without them it filters by status
    and sorts every open request instead of reading the due-time index in order.
    """
    from sqlalchemy import text

    with app.extensions["db_engine"].begin() as connection:
        connection.execute(text("ANALYZE"))

"""Database engine per app and one SQLAlchemy session per request.

PostgreSQL connections are checked before each use (``pool_pre_ping``): after a database restart
the dead pooled connections are replaced by themselves, and requests made while the database is
down get a clean 503 (portal/outage.py) instead of an error page.
"""

from __future__ import annotations

import contextlib
import logging

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger("portal.db")
PG_CONNECT_TIMEOUT = 5  # seconds: an unreachable server answers 503 quickly instead of hanging


def build_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - exercised on connect
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    connect_args = {"connect_timeout": PG_CONNECT_TIMEOUT} if url.startswith("postgresql") else {}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def init_app(app: Flask) -> None:
    """Bind an engine and a session factory to the app; close sessions on teardown."""
    engine = build_engine(app.config["DATABASE_URL"])
    app.extensions["db_engine"] = engine
    app.extensions["db_sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)
    from portal import outage

    outage.init_app(app)


def get_session() -> Session:
    """Return this request's session, opening it on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["db_sessionmaker"]()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    """End this request's session; a connection that died meanwhile is dropped, not raised.

    The response is already made when this runs: if the database went away after the last
    query (a restart), the final ROLLBACK fails, and raising here would turn a good answer
    into a bare 500. The dead connection is invalidated instead (the pool replaces it).
    """
    session = g.pop("db_session", None)
    if session is None:
        return
    try:
        session.close()
    except SQLAlchemyError as exc:
        log.warning("Database connection lost while closing the session: %s", exc.__class__.__name__)
        with contextlib.suppress(SQLAlchemyError):
            session.invalidate()

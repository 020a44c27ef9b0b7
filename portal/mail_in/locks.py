"""One fetcher per mailbox at a time (cron runs that overlap, several workers).

Duplicates are already impossible (the Message-ID is unique); the lock keeps two fetchers from
racing on the same new messages, e.g. both creating the same guest customer. PostgreSQL: a
session advisory lock on its own connection (it survives the per-message commits); SQLite (one
machine): an exclusive lock on a file in the instance folder.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

#: Keeps our advisory lock keys apart from anyone else's ("mail" in ASCII, shifted).
_KEY_BASE = 0x6D61696C << 16


@contextlib.contextmanager
def mailbox_lock(engine: Engine, config: Mapping[str, Any], mailbox_id: int) -> Iterator[bool]:
    """Yield True while this process alone fetches the mailbox, False when another one does."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            key = _KEY_BASE + mailbox_id
            got = bool(connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}))
            connection.commit()
            try:
                yield got
            finally:
                if got:
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                    connection.commit()
        return
    path = Path(config["INSTANCE_PATH"]) / f"mail-fetch-{mailbox_id}.lock"
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

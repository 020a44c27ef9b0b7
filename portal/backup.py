"""Backup and restore of one instance: database, request attachments, and a manifest.

One archive (tar.gz) holds:

- ``manifest.json``: format, database kind, schema revision, row counts per table, the SHA-256 of
  every other member, and the attachment files the database refers to;
- the database: ``db/portal.pgdump`` (``pg_dump --format=custom``, PostgreSQL),
  ``db/portal.sqlite`` (SQLite's online backup API), or ``db/<table>.jsonl`` (the *portable*
  format, written through SQLAlchemy: used when ``pg_dump`` is missing or older than the server,
  and to move between SQLite and PostgreSQL);
- ``attachments/<stored name>``: every attachment file the database snapshot refers to.

The search index is not archived: it is rebuilt from the restored database (the database is the
source of truth, see ``portal kb reindex``). Counts and attachment names are read inside the same
snapshot the dump is taken from, so they always agree with it.

Restore verifies every checksum before touching anything, refuses an instance that already holds
data unless forced, restores the database in one transaction, and checks the counts afterwards.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump / pg_restore are run with argument lists, never a shell
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import Connection, Engine, Table, create_engine, func, inspect, select, text, update
from sqlalchemy.engine import make_url

import portal.models  # noqa: F401 - registers every table on the shared metadata
from knowledge_base.db import Base
from portal import cache_events

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PG_DUMP_MEMBER = "db/portal.pgdump"
SQLITE_MEMBER = "db/portal.sqlite"
ATTACHMENTS = "attachments"
CHUNK = 1 << 20
SAFE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")

Log = Callable[[str], None]


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Inventory:
    """What one database snapshot holds: schema revision, rows per table, attachment files."""

    revision: str | None
    counts: dict[str, int]
    attachments: list[str]


def tables() -> list[Table]:
    """The portal's tables, parents before children."""
    return list(Base.metadata.sorted_tables)


def attachment_folder(app: Flask) -> Path:
    """Where request attachments are stored (see portal.requests.customer_views.limits)."""
    return Path(app.config["INSTANCE_PATH"]) / ATTACHMENTS


def engine_of(app: Flask) -> Engine:
    """The app's database engine."""
    return app.extensions["db_engine"]


def dialect_of(app: Flask) -> str:
    """``postgresql`` or ``sqlite``."""
    return engine_of(app).dialect.name


# --------------------------------------------------------------------------- inventory


def inventory(conn: Connection) -> Inventory:
    """Revision, row counts and referenced attachment names as this connection sees them."""
    existing = set(inspect(conn).get_table_names())
    revision = None
    if "alembic_version" in existing:
        revision = conn.scalar(text("SELECT version_num FROM alembic_version"))
    counts = {
        table.name: int(conn.scalar(select(func.count()).select_from(table)) or 0)
        for table in tables()
        if table.name in existing
    }
    names: list[str] = []
    if "attachments" in existing:
        attachments = Base.metadata.tables["attachments"]
        names = sorted(conn.scalars(select(attachments.c.stored_name)))
    return Inventory(revision, counts, names)


def is_empty(app: Flask) -> bool:
    """True when no portal table holds a row and no attachment file is stored."""
    with engine_of(app).connect() as conn:
        counts = inventory(conn).counts
    folder = attachment_folder(app)
    has_files = folder.is_dir() and any(folder.iterdir())
    return not any(counts.values()) and not has_files


# --------------------------------------------------------------------------- PostgreSQL tools


def pg_env(url: str) -> dict[str, str]:
    """libpq environment for a SQLAlchemy URL (the password never appears on a command line)."""
    parsed = make_url(url)
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", parsed.host),
        ("PGPORT", str(parsed.port) if parsed.port else None),
        ("PGUSER", parsed.username),
        ("PGPASSWORD", parsed.password),
        ("PGDATABASE", parsed.database),
    ):
        if value:
            env[key] = str(value)
    return env


def client_major(tool: str) -> int | None:
    """Major version of a PostgreSQL client tool (``pg_dump``, ``pg_restore``), None if missing."""
    path = shutil.which(tool)
    if path is None:
        return None
    try:
        output = subprocess.run(  # noqa: S603 - a fixed tool found on PATH
            [path, "--version"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    return int(match.group(1)) if match else None


def server_major(conn: Connection) -> int:
    """Major version of the PostgreSQL server."""
    return int(conn.scalar(text("SHOW server_version_num"))) // 10000


def pg_dump_problem(client: int | None, server: int) -> str | None:
    """Why pg_dump cannot dump this server, or None when it can (it must be at least as new)."""
    if client is None:
        return "pg_dump was not found on PATH (install the PostgreSQL client tools)"
    if client < server:
        return (
            f"pg_dump {client} is older than the PostgreSQL {server} server and cannot dump it "
            f"(install postgresql-client-{server})"
        )
    return None


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603 - pg_dump/pg_restore with our own arguments
        command, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")


# --------------------------------------------------------------------------- portable rows


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode()}
    return value


def _decode(value: Any, table: Table, column: str) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((key, raw),) = value.items()
        if key == "$datetime":
            parsed = datetime.fromisoformat(raw)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        if key == "$date":
            return date.fromisoformat(raw)
        if key == "$bytes":
            return base64.b64decode(raw)
    enum_class = getattr(table.c[column].type, "enum_class", None)
    if enum_class is not None and value is not None:
        return enum_class(value)
    return value


def dump_rows(conn: Connection, folder: Path) -> list[str]:
    """Write every table as JSON lines (one file per table); returns the member names."""
    members = []
    for table in tables():
        member = f"db/{table.name}.jsonl"
        with (folder / member).open("w", encoding="utf-8") as out:
            for row in conn.execute(select(table).order_by(*table.primary_key.columns)).mappings():
                out.write(json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False) + "\n")
        members.append(member)
    return members


def _deferred_columns(table: Table) -> list[str]:
    """Columns whose foreign key closes a cycle (set after every row exists)."""
    return [fk.parent.name for fk in table.foreign_keys if fk.use_alter or fk.constraint.use_alter]


def load_rows(conn: Connection, folder: Path) -> None:
    """Insert every table's rows from JSON lines, parents first; cycles are closed afterwards."""
    later: list[tuple[Table, dict[str, Any], dict[str, Any]]] = []
    for table in tables():
        path = folder / "db" / f"{table.name}.jsonl"
        deferred = _deferred_columns(table)
        batch: list[dict[str, Any]] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            row = {k: _decode(v, table, k) for k, v in json.loads(line).items()}
            held = {name: row[name] for name in deferred if row.get(name) is not None}
            if held:
                later.append((table, {c.name: row[c.name] for c in table.primary_key.columns}, held))
                row.update(dict.fromkeys(held))
            batch.append(row)
            if len(batch) >= 500:
                conn.execute(table.insert(), batch)
                batch = []
        if batch:
            conn.execute(table.insert(), batch)
    for table, key, held in later:
        conn.execute(update(table).where(*(table.c[k] == v for k, v in key.items())).values(**held))
    if conn.dialect.name == "postgresql":
        _reset_sequences(conn)


def _reset_sequences(conn: Connection) -> None:
    """After inserting explicit ids, move each serial sequence past the largest id."""
    for table in tables():
        for column in table.primary_key.columns:
            sequence = conn.scalar(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
            )
            if sequence:
                largest = conn.scalar(select(func.max(column)))
                conn.execute(
                    text("SELECT setval(:s, :v, :called)"),
                    {"s": sequence, "v": largest or 1, "called": largest is not None},
                )


# --------------------------------------------------------------------------- backup


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def _snapshot_pg(app: Flask) -> Iterator[tuple[Connection, str]]:
    """A REPEATABLE READ transaction whose snapshot pg_dump shares (--snapshot)."""
    with engine_of(app).connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.scalar(text("SELECT pg_export_snapshot()"))
            yield conn, snapshot


def _dump_database(app: Flask, work: Path, portable: bool, log: Log) -> tuple[str, Inventory, list[str]]:
    """Dump the database into `work`; returns the format, the inventory and the member names."""
    kind = dialect_of(app)
    (work / "db").mkdir()
    if kind == "postgresql" and not portable:
        with engine_of(app).connect() as probe:
            problem = pg_dump_problem(client_major("pg_dump"), server_major(probe))
        if problem:
            log(f"warning: {problem}; falling back to the portable format (rows as JSON through SQLAlchemy).")
            portable = True
        else:
            with _snapshot_pg(app) as (conn, snapshot):
                found = inventory(conn)
                command = [shutil.which("pg_dump") or "pg_dump", "--format=custom", "--no-owner"]
                command += ["--no-privileges", f"--snapshot={snapshot}", f"--file={work / PG_DUMP_MEMBER}"]
                _run(command, pg_env(app.config["DATABASE_URL"]))
            return "pg_dump", found, [PG_DUMP_MEMBER]
    if kind == "sqlite" and not portable:
        copy = work / SQLITE_MEMBER
        source = sqlite3.connect(make_url(app.config["DATABASE_URL"]).database or "")
        target = sqlite3.connect(copy)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        copied = create_engine(f"sqlite:///{copy}")
        with copied.connect() as conn:
            found = inventory(conn)
        copied.dispose()
        return "sqlite", found, [SQLITE_MEMBER]
    if kind not in ("postgresql", "sqlite"):
        raise BackupError(f"Backups of {kind} databases are not supported.")
    engine = engine_of(app)
    with engine.connect() as conn:
        if kind == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            found = inventory(conn)
            members = dump_rows(conn, work)
    return "portable", found, members


def _copy_attachments(app: Flask, names: list[str], work: Path, log: Log) -> tuple[list[str], list[str]]:
    """Copy the referenced attachment files; returns (members, names missing on disk)."""
    source = attachment_folder(app)
    (work / ATTACHMENTS).mkdir()
    members, missing = [], []
    for name in names:
        if not SAFE_NAME.match(name) or not (source / name).is_file():
            missing.append(name)
            continue
        shutil.copy2(source / name, work / ATTACHMENTS / name)
        members.append(f"{ATTACHMENTS}/{name}")
    if missing:
        log(f"warning: {len(missing)} attachment file(s) referenced by the database are missing on disk.")
    return members, missing


def create_backup(app: Flask, dest: Path, *, portable: bool = False, log: Log = print) -> dict[str, Any]:
    """Write one archive of the instance to `dest`; returns its manifest."""
    dest = Path(dest)
    if dest.exists():
        raise BackupError(f"{dest} already exists; choose a new file name.")
    with tempfile.TemporaryDirectory(prefix="portal-backup-") as tmp:
        work = Path(tmp)
        kind, found, db_members = _dump_database(app, work, portable, log)
        files, missing = _copy_attachments(app, found.attachments, work, log)
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(),
            "database": {"dialect": dialect_of(app), "format": kind},
            "schema_revision": found.revision,
            "counts": found.counts,
            "attachments": [name for name in found.attachments if name not in missing],
            "missing_attachments": missing,
            "search_index": "not archived: rebuilt from the database on restore (portal kb reindex)",
            "checksums": {member: sha256(work / member) for member in db_members + files},
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial = dest.with_name(dest.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / MANIFEST, arcname=MANIFEST)
            for member in db_members + files:
                archive.add(work / member, arcname=member)
        partial.replace(dest)  # never a half-written archive under the final name
    log(
        f"Backed up {sum(found.counts.values())} rows in {len(found.counts)} tables and "
        f"{len(files)} attachment(s) ({kind}, schema {found.revision}) to {dest}."
    )
    return manifest


# --------------------------------------------------------------------------- restore


def read_archive(src: Path, work: Path) -> dict[str, Any]:
    """Unpack a backup into `work` after checking its members; verify every checksum."""
    try:
        archive = tarfile.open(src, "r:gz")  # noqa: SIM115 - closed by the `with` below
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"{src} is not a readable backup archive: {exc}") from exc
    with archive:
        try:
            manifest = json.load(archive.extractfile(MANIFEST) or io.BytesIO(b"{}"))
        except (KeyError, ValueError) as exc:
            raise BackupError(f"{src} has no valid {MANIFEST}.") from exc
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
        expected = dict(manifest.get("checksums", {}))
        for member in archive.getmembers():
            if member.name == MANIFEST:
                continue
            if member.name not in expected or not member.isfile():
                raise BackupError(f"Unexpected member {member.name!r} in the archive: refusing it.")
            archive.extract(member, work, filter="data")
    for member, checksum in expected.items():
        path = work / member
        if not path.is_file():
            raise BackupError(f"The archive lacks {member}.")
        if sha256(path) != checksum:
            raise BackupError(f"Checksum mismatch for {member}: the archive is damaged or was altered.")
    return manifest


def _restore_pg_dump(app: Flask, work: Path, log: Log) -> None:
    client = client_major("pg_restore")
    with engine_of(app).connect() as probe:
        server = server_major(probe)
    if client is None or client < server:
        raise BackupError(
            f"pg_restore {client or 'missing'} cannot restore into PostgreSQL {server}: "
            f"install postgresql-client-{server}, or take a portable backup (portal backup --portable)."
        )
    engine_of(app).dispose()
    command = [shutil.which("pg_restore") or "pg_restore", "--clean", "--if-exists", "--no-owner"]
    env = pg_env(app.config["DATABASE_URL"])
    command += ["--no-privileges", "--single-transaction", "--exit-on-error", f"--dbname={env['PGDATABASE']}"]
    _run([*command, str(work / PG_DUMP_MEMBER)], env)
    log("Database restored with pg_restore.")


def _restore_sqlite(app: Flask, work: Path, log: Log) -> None:
    engine_of(app).dispose()
    source = sqlite3.connect(work / SQLITE_MEMBER)
    target = sqlite3.connect(make_url(app.config["DATABASE_URL"]).database or "")
    try:
        source.backup(target)  # replaces the whole database in one step
    finally:
        target.close()
        source.close()
    log("Database restored with SQLite's backup API.")


def _restore_portable(app: Flask, work: Path, manifest: dict[str, Any], log: Log) -> None:
    from portal import migrate

    revision = manifest.get("schema_revision")
    if revision:
        migrate.upgrade(app, revision)
    with engine_of(app).begin() as conn:
        for table in reversed(tables()):  # only reached when forced or already empty
            conn.execute(table.delete())
        load_rows(conn, work)
    log("Database restored from the portable rows.")


def _restore_attachments(app: Flask, work: Path, names: list[str]) -> None:
    """Put the archived files in place: copied beside the folder first, then swapped in."""
    folder = attachment_folder(app)
    staging = folder.with_name(ATTACHMENTS + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name in names:
        if not SAFE_NAME.match(name):
            raise BackupError(f"Refusing the attachment name {name!r}.")
        shutil.copy2(work / ATTACHMENTS / name, staging / name)
    shutil.rmtree(folder, ignore_errors=True)
    staging.replace(folder)


def verify(app: Flask, manifest: dict[str, Any]) -> list[str]:
    """Differences between the restored instance and the manifest (empty when all is back)."""
    with engine_of(app).connect() as conn:
        found = inventory(conn)
    problems = []
    if found.revision != manifest.get("schema_revision"):
        problems.append(f"schema revision {found.revision}, expected {manifest.get('schema_revision')}")
    for table, count in manifest.get("counts", {}).items():
        if found.counts.get(table) != count:
            problems.append(f"{table}: {found.counts.get(table)} rows, expected {count}")
    folder = attachment_folder(app)
    checksums = manifest.get("checksums", {})
    for name in manifest.get("attachments", []):
        path = folder / name
        if not path.is_file() or sha256(path) != checksums.get(f"{ATTACHMENTS}/{name}"):
            problems.append(f"attachment {name} is missing or differs")
    return problems


def restore_backup(app: Flask, src: Path, *, force: bool = False, log: Log = print) -> dict[str, Any]:
    """Restore an archive into this (empty, unless `force`) instance; returns its manifest."""
    with tempfile.TemporaryDirectory(prefix="portal-restore-") as tmp:
        work = Path(tmp)
        manifest = read_archive(Path(src), work)
        if not is_empty(app):
            if not force:
                raise BackupError(
                    "This instance already holds data: restore only into an empty instance, "
                    "or pass --force to replace everything in it."
                )
            log("warning: --force: replacing the data of this instance.")
        kind = manifest["database"]["format"]
        target = dialect_of(app)
        source = manifest["database"]["dialect"]
        if kind != "portable" and source != target:
            raise BackupError(
                f"This backup holds a {source} database and cannot be restored into {target}; "
                "take a portable backup (portal backup --portable) to move between databases."
            )
        if kind not in RESTORERS:
            raise BackupError(f"Unknown database format {kind!r}.")
        try:
            RESTORERS[kind](app, work, manifest, log)
            _restore_attachments(app, work, manifest.get("attachments", []))
        finally:  # written around the ORM (no commit event retired the caches), even if it failed
            cache_events.bump_all(app)
    problems = verify(app, manifest)
    if problems:
        raise BackupError("The restored instance does not match the backup: " + "; ".join(problems))
    indexed = _reindex(app)
    log(
        f"Restored {sum(manifest['counts'].values())} rows and {len(manifest.get('attachments', []))} "
        f"attachment(s); counts and checksums verified; search index rebuilt ({indexed} articles)."
    )
    return manifest


#: How each database format is restored: (app, work folder, manifest, log).
RESTORERS: dict[str, Callable[[Flask, Path, dict, Log], None]] = {
    "pg_dump": lambda app, work, _manifest, log: _restore_pg_dump(app, work, log),
    "sqlite": lambda app, work, _manifest, log: _restore_sqlite(app, work, log),
    "portable": lambda app, work, manifest, log: _restore_portable(app, work, manifest, log),
}


def _reindex(app: Flask) -> int:
    """Rebuild the search index from the restored database."""
    from portal.kb import search_service

    with app.app_context():
        session = app.extensions["db_sessionmaker"]()
        try:
            return search_service.reindex(session, app)
        finally:
            session.close()

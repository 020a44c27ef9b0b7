"""`portal backup` / `portal restore`: a full round trip into an empty instance, on SQLite and
PostgreSQL (with PORTAL_TEST_DATABASE_URL), and the refusals that keep a restore safe."""

from __future__ import annotations

import io
import json
import secrets
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from knowledge_base.models import Article
from portal import backup, cache_events, create_app
from portal.cache import shared_generation
from portal.models import Attachment, AuditLog, ServiceRequest
from portal.requests.attachments import Upload
from tests.conftest import CHEAP_ARGON2
from tests.integration.kb_helpers import publish_article
from tests.integration.requests_helpers import make_request, png_bytes

TEXT_FILE = b"Serial number: 12345\nError E21 after the rinse.\n"


@pytest.fixture
def empty_instance(database_url, tmp_path):
    """A second portal on an empty database and an empty instance folder (factory)."""
    made = []

    def make(name: str = "restored"):
        if database_url.startswith("sqlite"):
            url = f"sqlite:///{tmp_path / (name + '.db')}"
        else:
            db_name = f"{make_url(database_url).database}_{name}_{secrets.token_hex(3)}"
            admin = create_engine(
                make_url(database_url).set(database="postgres"), isolation_level="AUTOCOMMIT"
            )
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{db_name}"'))
            admin.dispose()
            url = make_url(database_url).set(database=db_name).render_as_string(hide_password=False)
        application = create_app(
            {
                "TESTING": True,
                "INSTANCE_PATH": str(tmp_path / f"instance-{name}"),
                "DATABASE_URL": url,
                "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
                "ARGON2_PARAMS": CHEAP_ARGON2,
            }
        )
        made.append((application, url))
        return application

    yield make
    for application, url in made:
        application.extensions["db_engine"].dispose()
        if not url.startswith("sqlite"):
            admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
            admin.dispose()


@pytest.fixture
def filled(app, db, users):
    """Two requests with attachments (one with two files), two published articles."""
    first = make_request(
        app,
        db,
        users["customer"],
        subject="Washer leaks",
        uploads=[Upload("photo.png", png_bytes()), Upload("notes.txt", TEXT_FILE)],
    )
    second = make_request(
        app, db, users["customer2"], subject="Router drops", uploads=[Upload("a.txt", b"ok\n")]
    )
    publish_article(app, db, slug="router-tips", title="Router tips")
    publish_article(app, db, slug="washer-care", title="Washer care", body="Clean the filter monthly.")
    return {"references": sorted([first.reference, second.reference])}


def _snapshot(application) -> dict:
    """Everything a restore must bring back: requests, attachments with their bytes, articles."""
    folder = backup.attachment_folder(application)
    session = application.extensions["db_sessionmaker"]()
    try:
        requests = sorted(
            (r.reference, r.subject, r.description, r.customer_id)
            for r in session.scalars(select(ServiceRequest))
        )
        attachments = sorted(
            (a.original_name, a.content_type, a.size, (folder / a.stored_name).read_bytes())
            for a in session.scalars(select(Attachment))
        )
        articles = sorted(
            (a.slug, a.locale, a.title, a.status.value, a.body_html) for a in session.scalars(select(Article))
        )
    finally:
        session.close()
    return {"requests": requests, "attachments": attachments, "articles": articles}


@pytest.mark.parametrize("portable", [False, True], ids=["native", "portable"])
def test_round_trip_brings_back_every_request_attachment_and_article(
    app, filled, empty_instance, tmp_path, portable
):
    before = _snapshot(app)
    assert len(before["requests"]) == 2 and len(before["attachments"]) == 3 and len(before["articles"]) == 2

    archive = tmp_path / "portal-backup.tar.gz"
    manifest = backup.create_backup(app, archive, portable=portable, log=lambda _m: None)
    expected_format = (
        "portable" if portable else {"sqlite": "sqlite", "postgresql": "pg_dump"}[backup.dialect_of(app)]
    )
    assert manifest["database"]["format"] == expected_format
    assert manifest["counts"]["service_requests"] == 2
    assert manifest["counts"]["attachments"] == 3
    assert manifest["schema_revision"]

    target = empty_instance()
    backup.restore_backup(target, archive, log=lambda _m: None)

    assert _snapshot(target) == before
    session = target.extensions["db_sessionmaker"]()
    try:
        restored = list(session.scalars(select(ServiceRequest)))
        # ids keep counting after the restored ones (sequences moved past them)
        new = make_request(target, session, restored[0].customer, subject="After restore")
        assert new.id > max(r.id for r in restored)
    finally:
        session.close()
    with target.app_context():
        from portal.kb import search_service

        found = search_service.backend(target).search("filter", "en")
    assert [hit.slug for hit in found.hits] == ["washer-care"], "search index not rebuilt"


def test_restore_refuses_an_instance_that_holds_data_unless_forced(app, filled, empty_instance, tmp_path):
    archive = tmp_path / "b.tar.gz"
    backup.create_backup(app, archive, log=lambda _m: None)
    target = empty_instance()
    backup.restore_backup(target, archive, log=lambda _m: None)

    with pytest.raises(backup.BackupError, match="already holds data"):
        backup.restore_backup(target, archive, log=lambda _m: None)

    shared = [shared_generation(family, target) for family in cache_events.SHARED]
    backup.restore_backup(target, archive, force=True, log=lambda _m: None)
    assert _snapshot(target) == _snapshot(app)
    after = [shared_generation(family, target) for family in cache_events.SHARED]
    assert all(new != old for new, old in zip(after, shared, strict=True)), "caches outlived a forced restore"


def test_a_failed_forced_restore_still_retires_the_caches(app, filled, empty_instance, tmp_path, monkeypatch):
    archive = tmp_path / "b.tar.gz"
    backup.create_backup(app, archive, log=lambda _m: None)
    target = empty_instance()
    backup.restore_backup(target, archive, log=lambda _m: None)
    shared = [shared_generation(family, target) for family in cache_events.SHARED]

    def half_written(*_args) -> None:
        raise backup.BackupError("disk full half way")

    for kind in backup.RESTORERS:
        monkeypatch.setitem(backup.RESTORERS, kind, half_written)
    with pytest.raises(backup.BackupError, match="half way"):
        backup.restore_backup(target, archive, force=True, log=lambda _m: None)
    after = [shared_generation(family, target) for family in cache_events.SHARED]
    assert all(new != old for new, old in zip(after, shared, strict=True))


def test_restore_refuses_the_source_instance_itself(app, filled, tmp_path):
    archive = tmp_path / "b.tar.gz"
    backup.create_backup(app, archive, log=lambda _m: None)
    with pytest.raises(backup.BackupError, match="already holds data"):
        backup.restore_backup(app, archive, log=lambda _m: None)


def _rewrite(archive: Path, out: Path, change) -> None:
    """Copy an archive member by member, letting `change(name, data)` alter or add members."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(out, "w:gz") as target:
        members = [(m.name, source.extractfile(m).read()) for m in source.getmembers()]
        for name, data in change(members):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            target.addfile(info, io.BytesIO(data))


def test_restore_refuses_an_altered_attachment_before_touching_anything(
    app, filled, empty_instance, tmp_path
):
    archive = tmp_path / "b.tar.gz"
    backup.create_backup(app, archive, log=lambda _m: None)
    damaged = tmp_path / "damaged.tar.gz"

    def flip(members):
        return [
            (n, d + b"x" if n.startswith("attachments/") and n.endswith(".txt") else d) for n, d in members
        ]

    _rewrite(archive, damaged, flip)
    target = empty_instance()
    with pytest.raises(backup.BackupError, match="Checksum mismatch"):
        backup.restore_backup(target, damaged, log=lambda _m: None)
    assert backup.is_empty(target)


def test_restore_refuses_members_the_manifest_does_not_list(app, filled, empty_instance, tmp_path):
    archive = tmp_path / "b.tar.gz"
    backup.create_backup(app, archive, log=lambda _m: None)
    evil = tmp_path / "evil.tar.gz"
    _rewrite(archive, evil, lambda members: [*members, ("../escaped.txt", b"boo")])
    target = empty_instance()
    with pytest.raises(backup.BackupError, match="Unexpected member"):
        backup.restore_backup(target, evil, log=lambda _m: None)
    assert not (tmp_path / "escaped.txt").exists()


def test_restore_finds_a_row_count_that_does_not_match(app, filled, empty_instance, tmp_path):
    archive = tmp_path / "b.tar.gz"
    backup.create_backup(app, archive, log=lambda _m: None)
    lying = tmp_path / "lying.tar.gz"

    def inflate(members):
        out = []
        for name, data in members:
            if name == backup.MANIFEST:
                manifest = json.loads(data)
                manifest["counts"]["service_requests"] += 1
                data = json.dumps(manifest).encode()
            out.append((name, data))
        return out

    _rewrite(archive, lying, inflate)
    with pytest.raises(backup.BackupError, match="service_requests: 2 rows, expected 3"):
        backup.restore_backup(empty_instance(), lying, log=lambda _m: None)


def test_backup_never_overwrites_an_existing_file(app, filled, tmp_path):
    archive = tmp_path / "b.tar.gz"
    archive.write_bytes(b"precious")
    with pytest.raises(backup.BackupError, match="already exists"):
        backup.create_backup(app, archive, log=lambda _m: None)
    assert archive.read_bytes() == b"precious"


def test_pg_dump_must_be_at_least_as_new_as_the_server():
    assert backup.pg_dump_problem(15, 15) is None
    assert backup.pg_dump_problem(16, 15) is None
    assert "older than the PostgreSQL 16 server" in backup.pg_dump_problem(15, 16)
    assert "postgresql-client-16" in backup.pg_dump_problem(15, 16)
    assert "not found" in backup.pg_dump_problem(None, 15)


@pytest.mark.skipif(
    not __import__("os").environ.get("PORTAL_TEST_DATABASE_URL"), reason="pg_dump needs PostgreSQL"
)
def test_an_old_pg_dump_falls_back_to_the_portable_format(app, filled, empty_instance, tmp_path, monkeypatch):
    monkeypatch.setattr(backup, "client_major", lambda tool: 9)
    said = []
    archive = tmp_path / "b.tar.gz"
    manifest = backup.create_backup(app, archive, log=said.append)
    assert manifest["database"]["format"] == "portable"
    assert any("pg_dump 9 is older than the PostgreSQL" in line and "portable" in line for line in said)
    monkeypatch.undo()
    target = empty_instance()
    backup.restore_backup(target, archive, log=lambda _m: None)
    assert _snapshot(target) == _snapshot(app)


def test_cli_backup_and_restore_are_audited(app, filled, empty_instance, tmp_path):
    archive = tmp_path / "cli.tar.gz"
    result = app.test_cli_runner().invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output and archive.exists()

    target = empty_instance()
    result = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    again = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert again.exit_code != 0 and "--force" in again.output

    for application, action in ((app, "backup.created"), (target, "backup.restored")):
        session = application.extensions["db_sessionmaker"]()
        try:
            assert session.scalar(select(func.count()).where(AuditLog.action == action)) == 1
        finally:
            session.close()

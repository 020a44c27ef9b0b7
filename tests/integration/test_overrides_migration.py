"""Migration 0018_overrides on a database with data: blocked suggestions get their reason keys as
rows (stored dicts and older code strings alike), nothing is lost, and it downgrades cleanly."""

import types

import pytest
from alembic import command
from sqlalchemy import text

from portal.db import build_engine
from portal.migrate import alembic_config
from tests.conftest import scratch_database
from tests.integration.test_kb_migration import ROWS

REASONS = (
    '[{"code": "document", "kind": "tragedy", "words": ["died"], "params": {}, "check": "tragedy",'
    ' "text": "document:tragedy (died)"}, "negation:rejects (never)", "negation:rejects (not)"]'
)
BLOCKED = (
    "INSERT INTO link_suggestions (id, article_id, revision_id, offer_id, locale, matched_text, start,"
    " \"end\", sentence, reasons, state, created_at) VALUES (2, 1, 1, 1, 'en', 'router', 0, 6, 's',"
    " :reasons, 'blocked', CURRENT_TIMESTAMP)"
)


@pytest.fixture
def scratch_url(tmp_path):
    """An empty database of the configured kind, dropped afterwards."""
    with scratch_database("shopkeeper_mig18", tmp_path / "scratch.db") as url:
        yield url


def test_0018_backfills_block_reasons_and_downgrades(scratch_url):
    engine = build_engine(scratch_url)
    app = types.SimpleNamespace(config={"DATABASE_URL": scratch_url}, extensions={"db_engine": engine})
    try:
        command.upgrade(alembic_config(app), "0017_kbtaxonomy")
        with engine.begin() as conn:
            for statement in ROWS:
                conn.execute(text(statement))
            conn.execute(text(BLOCKED), {"reasons": REASONS})
        command.upgrade(alembic_config(app), "0018_overrides")
        with engine.connect() as conn:
            keys = conn.execute(text("SELECT suggestion_id, reason_key FROM link_block_reasons")).all()
            assert sorted(keys) == [(2, "document:tragedy"), (2, "negation:rejects")]  # pending: none
            assert (
                conn.execute(text("SELECT count(*) FROM link_suggestions WHERE override_id IS NULL")).scalar()
                == 2
            )
        command.downgrade(alembic_config(app), "0017_kbtaxonomy")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM link_suggestions")).scalar_one() == 2
        command.upgrade(alembic_config(app), "head")
    finally:
        engine.dispose()

"""Migration 0005_kb on a database with data: revisions get their article's category, and nothing
that hangs off article revisions (published revision, link suggestions) is lost."""

import types

import pytest
from alembic import command
from sqlalchemy import text

from portal.db import build_engine
from portal.migrate import alembic_config
from tests.conftest import scratch_database


@pytest.fixture
def scratch_url(tmp_path):
    """An empty database of the configured kind, dropped afterwards."""
    with scratch_database("shopkeeper_mig", tmp_path / "scratch.db") as url:
        yield url


ROWS = [
    "INSERT INTO categories (id, slug, name) VALUES (1, 'networking', 'Networking')",
    "INSERT INTO articles (id, slug, locale, translation_key, category_id, status, title, tags, body_html,"
    " updated_at, helpful_yes, helpful_no, views) VALUES (1, 'router', 'en', 'router', 1, 'published',"
    " 'Router', '[]', '<p>x</p>', CURRENT_TIMESTAMP, 0, 0, 0)",
    "INSERT INTO article_revisions (id, article_id, title, body_md, tags, comment, state, review_comment,"
    " created_at) VALUES (1, 1, 'Router', 'x', '[]', '', 'published', '', CURRENT_TIMESTAMP)",
    "UPDATE articles SET published_revision_id = 1 WHERE id = 1",
    "INSERT INTO offers (id, code, title, url, phrases, require_context, exclude_context, segments,"
    " product_kind, status, updated_at) VALUES (1, 'o', 'O', 'https://shop.example.com', '{}', '{}', '{}',"
    " '[]', '', 'active', CURRENT_TIMESTAMP)",
    "INSERT INTO link_suggestions (id, article_id, revision_id, offer_id, locale, matched_text, start,"
    " \"end\", sentence, reasons, state, created_at) VALUES (1, 1, 1, 1, 'en', 'router', 0, 6, 's', '[]',"
    " 'pending', CURRENT_TIMESTAMP)",
]


def test_0005_backfills_revision_categories_and_keeps_everything_else(scratch_url):
    engine = build_engine(scratch_url)
    app = types.SimpleNamespace(config={"DATABASE_URL": scratch_url}, extensions={"db_engine": engine})
    try:
        command.upgrade(alembic_config(app), "0004")
        with engine.begin() as conn:
            for statement in ROWS:
                conn.execute(text(statement))
        command.upgrade(alembic_config(app), "0005_kb")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT category_id FROM article_revisions")).scalar_one() == 1
            assert conn.execute(text("SELECT published_revision_id FROM articles")).scalar_one() == 1
            assert conn.execute(text("SELECT count(*) FROM link_suggestions")).scalar_one() == 1
        command.downgrade(alembic_config(app), "0004")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT published_revision_id FROM articles")).scalar_one() == 1
            assert conn.execute(text("SELECT count(*) FROM link_suggestions")).scalar_one() == 1
    finally:
        engine.dispose()

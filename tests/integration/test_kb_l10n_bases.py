"""Translations without a recorded base (imports, the API, databases before 0017) get the live source."""

import types

import pytest
from alembic import command
from sqlalchemy import select, text

from knowledge_base.importer import import_folder
from knowledge_base.models import Article
from portal.db import build_engine
from portal.migrate import alembic_config
from tests.conftest import scratch_database
from tests.integration.kb_helpers import publish_article


def test_a_translation_published_without_a_base_is_based_on_the_live_source(app, db):
    source = publish_article(app, db)
    translation = publish_article(app, db, slug="router-pl", locale="pl", title="Router", key="router-tips")
    assert translation.published_revision.based_on_id == source.published_revision_id


def test_import_records_bases_even_when_translations_sort_before_their_source(app, db, tmp_path):
    for locale, title in (("cs", "Tipy"), ("en", "Tips"), ("pl", "Wskazówki")):
        folder = tmp_path / locale
        folder.mkdir()
        front = f"---\ntitle: {title}\nslug: {locale}-tips\nlocale: {locale}\ntranslation_key: tips\n---\n"
        (folder / "tips.md").write_text(front + f"{title} text.\n", "utf-8")
    report = import_folder(db, tmp_path)
    db.commit()
    assert len(report.published) == 3
    articles = {a.locale: a for a in db.scalars(select(Article))}
    live = articles["en"].published_revision_id
    assert articles["cs"].published_revision.based_on_id == live
    assert articles["pl"].published_revision.based_on_id == live


ROWS = [
    "INSERT INTO articles (id, slug, locale, translation_key, status, title, tags, body_html, updated_at,"
    " helpful_yes, helpful_no, views) VALUES ({id}, 'tips', '{locale}', 'tips', 'published', 'T', '[]', '',"
    " CURRENT_TIMESTAMP, 0, 0, 0)",
    "INSERT INTO article_revisions (id, article_id, title, body_md, tags, comment, state, review_comment,"
    " created_at) VALUES ({id}, {id}, 'T', 'x', '[]', '', 'published', '', CURRENT_TIMESTAMP)",
    "UPDATE articles SET published_revision_id = {id} WHERE id = {id}",
]


@pytest.fixture
def scratch_url(tmp_path):
    with scratch_database("shopkeeper_l10n", tmp_path / "scratch.db") as url:
        yield url


def test_0017_takes_live_translations_as_based_on_the_live_source(scratch_url):
    engine = build_engine(scratch_url)
    app = types.SimpleNamespace(config={"DATABASE_URL": scratch_url}, extensions={"db_engine": engine})
    try:
        command.upgrade(alembic_config(app), "0015_perf")
        with engine.begin() as conn:
            for article_id, locale in ((1, "en"), (2, "pl")):
                for statement in ROWS:
                    conn.execute(text(statement.format(id=article_id, locale=locale)))
        command.upgrade(alembic_config(app), "0017_kbl10n")
        with engine.connect() as conn:
            bases = dict(conn.execute(text("SELECT id, based_on_id FROM article_revisions")).all())
            assert bases == {1: None, 2: 1}
            assert (
                conn.execute(text("SELECT DISTINCT significance FROM article_revisions")).scalar_one()
                == "minor"
            )
        command.downgrade(alembic_config(app), "0015_perf")
    finally:
        engine.dispose()

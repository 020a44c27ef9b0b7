"""The Alembic migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from knowledge_base.db import Base


def test_migrated_database_matches_the_models(app):
    with app.extensions["db_engine"].connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [d for d in compare_metadata(context, Base.metadata) if "kb_search" not in str(d)]
    assert differences == []

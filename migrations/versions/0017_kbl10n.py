"""kb-l10n: translation bases and significance on revisions, handled feedback, article <- request link

Revision ID: 0017_kbl10n
Revises: 0017_slaclock
"""
from alembic import op
import sqlalchemy as sa


revision = "0017_kbl10n"
down_revision = "0017_slaclock"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Plain ALTER TABLE ADD COLUMN on both databases, and no foreign keys: on SQLite a constraint
    means a batch copy of `articles`, whose DROP TABLE the portal's `PRAGMA foreign_keys=ON` would
    cascade to every revision (the readers check that a base belongs to the source article)."""
    op.add_column("article_revisions", sa.Column("based_on_id", sa.Integer(), nullable=True))
    op.add_column(
        "article_revisions",
        sa.Column(
            "significance",
            sa.Enum("minor", "major", name="significance", native_enum=False, length=10),
            nullable=False,
            server_default="minor",
        ),
    )
    op.add_column("article_feedback", sa.Column("handled", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("articles", sa.Column("source_request_id", sa.Integer(), nullable=True))
    _assume_current_bases()


def _assume_current_bases() -> None:
    """Live translations are taken to translate their source's live revision (nothing better is known):
    from now on a major source change flags them outdated."""
    connection = op.get_bind()
    articles = sa.table(
        "articles",
        sa.column("locale", sa.String), sa.column("translation_key", sa.String),
        sa.column("status", sa.String), sa.column("published_revision_id", sa.Integer),
    )
    revisions = sa.table("article_revisions", sa.column("id", sa.Integer), sa.column("based_on_id", sa.Integer))
    sources = dict(
        connection.execute(
            sa.select(articles.c.translation_key, articles.c.published_revision_id).where(
                articles.c.locale == "en", articles.c.status == "published",
                articles.c.published_revision_id.is_not(None),
            )
        ).all()
    )
    live = connection.execute(
        sa.select(articles.c.translation_key, articles.c.published_revision_id).where(
            articles.c.locale != "en", articles.c.published_revision_id.is_not(None)
        )
    ).all()
    for key, revision_id in live:
        if key in sources:
            connection.execute(
                revisions.update()
                .where(revisions.c.id == revision_id, revisions.c.based_on_id.is_(None))
                .values(based_on_id=sources[key])
            )


def downgrade() -> None:
    """Native DROP COLUMN on SQLite too (3.35+), for the reason given in `upgrade`."""
    for table, column in (
        ("articles", "source_request_id"),
        ("article_feedback", "handled"),
        ("article_revisions", "significance"),
        ("article_revisions", "based_on_id"),
    ):
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        else:
            op.drop_column(table, column)

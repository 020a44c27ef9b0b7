"""knowledge base: the category belongs to the article revision

Revision ID: 0005_kb
Revises: 0004
Create Date: 2026-12-01 02:00:00

A revision carries its own category, which goes live with it when a reviewer publishes it
(before, an edit changed the article's category at once, bypassing review). Existing revisions
get their article's category. On SQLite the column and its foreign key are added in place
(ALTER TABLE ... ADD COLUMN ... REFERENCES), never by recreating the table: with foreign keys
on, dropping article_revisions would cascade to link suggestions and unset published revisions.
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_kb'
down_revision = '0004'
branch_labels = None
depends_on = None

FK_NAME = 'fk_article_revisions_category_id_categories'


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(
            f'ALTER TABLE article_revisions ADD COLUMN category_id INTEGER '
            f'CONSTRAINT {FK_NAME} REFERENCES categories (id)'
        )
    else:
        op.add_column('article_revisions', sa.Column('category_id', sa.Integer(), nullable=True))
        op.create_foreign_key(FK_NAME, 'article_revisions', 'categories', ['category_id'], ['id'])
    op.execute(
        'UPDATE article_revisions SET category_id = '
        '(SELECT articles.category_id FROM articles WHERE articles.id = article_revisions.article_id)'
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(FK_NAME, 'article_revisions', type_='foreignkey')
    # SQLite 3.35+ drops the column in place (no table rebuild, so no cascades fire)
    op.execute('ALTER TABLE article_revisions DROP COLUMN category_id')

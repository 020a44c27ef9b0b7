"""perf: article tags as indexed rows, indexes for article categories and request lists, planner statistics

Revision ID: 0015_perf
Revises: 0014_customer
"""
from alembic import op
import sqlalchemy as sa


revision = '0015_perf'
down_revision = "0014_customer"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'article_tags',
        sa.Column('article_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('tag', sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ['article_id'], ['articles.id'],
            name=op.f('fk_article_tags_article_id_articles'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('article_id', 'tag', name=op.f('pk_article_tags')),
    )
    op.create_index('ix_article_tags_tag_article_id', 'article_tags', ['tag', 'article_id'], unique=False)
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_articles_category_id'), ['category_id'], unique=False)
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.create_index(
            'ix_service_requests_customer_id_created_at', ['customer_id', 'created_at'], unique=False
        )
        batch_op.create_index(
            'ix_service_requests_status_resolution_due', ['status', 'resolution_due'], unique=False
        )
        batch_op.create_index(
            'ix_service_requests_status_created_at', ['status', 'created_at'], unique=False
        )
    _backfill_tags()
    # planner statistics: without them SQLite filters the queue by status and sorts every open
    # request instead of reading the due-time index in order (117 ms against 0.3 ms at 100,000)
    op.execute('ANALYZE')


def _backfill_tags() -> None:
    """One row per tag of every existing article."""
    connection = op.get_bind()
    articles = sa.table('articles', sa.column('id', sa.Integer), sa.column('tags', sa.JSON))
    tags = sa.table('article_tags', sa.column('article_id', sa.Integer), sa.column('tag', sa.String))
    rows = []
    for article_id, article_tags in connection.execute(sa.select(articles.c.id, articles.c.tags)):
        for tag in dict.fromkeys(str(t)[:60] for t in article_tags or [] if str(t)):
            rows.append({'article_id': article_id, 'tag': tag})
    if rows:
        connection.execute(tags.insert(), rows)


def downgrade() -> None:
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_service_requests_status_created_at')
        batch_op.drop_index('ix_service_requests_status_resolution_due')
        batch_op.drop_index('ix_service_requests_customer_id_created_at')
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_articles_category_id'))
    op.drop_index('ix_article_tags_tag_article_id', table_name='article_tags')
    op.drop_table('article_tags')

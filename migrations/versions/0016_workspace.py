"""workspace: saved queue views, tags on requests, canned responses per language and as macros

Revision ID: 0016_workspace
Revises: 0011_api
"""
from alembic import op
import sqlalchemy as sa


revision = '0016_workspace'
down_revision = "0011_api"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tags')),
    sa.UniqueConstraint('name', name=op.f('uq_tags_name'))
    )
    op.create_table('request_tags',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['service_requests.id'], name=op.f('fk_request_tags_request_id_service_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_request_tags_tag_id_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('request_id', 'tag_id', name=op.f('pk_request_tags'))
    )
    op.create_index(op.f('ix_request_tags_tag_id'), 'request_tags', ['tag_id'], unique=False)
    op.create_table('saved_views',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('query', sa.String(length=500), nullable=False),
    sa.Column('shared', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_saved_views_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_views')),
    sa.UniqueConstraint('owner_id', 'name', name=op.f('uq_saved_views_owner_id'))
    )
    op.create_index(op.f('ix_saved_views_owner_id'), 'saved_views', ['owner_id'], unique=False)
    with op.batch_alter_table('canned_responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('set_status', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('set_priority', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('set_tags', sa.String(length=200), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_canned_responses_category_id'), type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_canned_responses_category_id'), ['category_id', 'locale', 'title']
        )


def downgrade() -> None:
    with op.batch_alter_table('canned_responses', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_canned_responses_category_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_canned_responses_category_id'), ['category_id', 'title'])
        batch_op.drop_column('set_tags')
        batch_op.drop_column('set_priority')
        batch_op.drop_column('set_status')
        batch_op.drop_column('locale')
    op.drop_index(op.f('ix_saved_views_owner_id'), table_name='saved_views')
    op.drop_table('saved_views')
    op.drop_index(op.f('ix_request_tags_tag_id'), table_name='request_tags')
    op.drop_table('request_tags')
    op.drop_table('tags')

"""marketing history: link events outlive their suggestions; visitors for de-duplication

Link events no longer cascade with the suggestion they came from (ON DELETE SET NULL), keep the
matched text, and carry a visitor key so clicks are counted once per visitor and link.

Revision ID: 0007_marketing
Revises: 0006_auth
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_marketing'
down_revision = '0006_auth'
branch_labels = None
depends_on = None

FK = 'fk_link_events_suggestion_id_link_suggestions'


def upgrade() -> None:
    with op.batch_alter_table('link_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('matched_text', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('visitor', sa.String(length=64), nullable=False, server_default=''))
        batch_op.drop_constraint(FK, type_='foreignkey')
        batch_op.alter_column('suggestion_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(FK, 'link_suggestions', ['suggestion_id'], ['id'], ondelete='SET NULL')
    link_events = sa.table(
        'link_events',
        sa.column('suggestion_id', sa.Integer()),
        sa.column('matched_text', sa.String()),
        sa.column('visitor', sa.String()),
        sa.column('user_id', sa.Integer()),
        sa.column('session_key', sa.String()),
    )
    suggestions = sa.table('link_suggestions', sa.column('id', sa.Integer()), sa.column('matched_text', sa.String()))
    op.execute(
        link_events.update().values(
            matched_text=sa.func.coalesce(
                sa.select(suggestions.c.matched_text)
                .where(suggestions.c.id == link_events.c.suggestion_id)
                .scalar_subquery(),
                '',
            )
        )
    )
    op.execute(
        link_events.update().values(
            visitor=sa.func.substr(
                sa.case(
                    (link_events.c.user_id.isnot(None), sa.literal('user:') + sa.cast(link_events.c.user_id, sa.String())),
                    else_=sa.literal('session:') + link_events.c.session_key,
                ),
                1,
                64,
            )
        )
    )
    with op.batch_alter_table('link_events', schema=None) as batch_op:
        batch_op.alter_column('matched_text', existing_type=sa.String(length=200), server_default=None)
        batch_op.alter_column('visitor', existing_type=sa.String(length=64), server_default=None)
        batch_op.create_index('ix_link_events_visitor_link', ['visitor', 'offer_id', 'article_id', 'kind'], unique=False)


def downgrade() -> None:
    op.execute(sa.text('DELETE FROM link_events WHERE suggestion_id IS NULL'))
    with op.batch_alter_table('link_events', schema=None) as batch_op:
        batch_op.drop_index('ix_link_events_visitor_link')
        batch_op.drop_constraint(FK, type_='foreignkey')
        batch_op.alter_column('suggestion_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(FK, 'link_suggestions', ['suggestion_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_column('visitor')
        batch_op.drop_column('matched_text')

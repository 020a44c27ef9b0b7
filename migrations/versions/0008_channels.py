"""channels: every request and message records how it reached us; messages keep their mail Message-ID

Revision ID: 0008_channels
Revises: 0007_marketing
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_channels'
down_revision = '0007_marketing'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=20), nullable=False, server_default='web'))
        batch_op.create_index(batch_op.f('ix_service_requests_channel'), ['channel'], unique=False)
    with op.batch_alter_table('request_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=20), nullable=False, server_default='web'))
        batch_op.add_column(sa.Column('mail_message_id', sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_request_messages_mail_message_id'), ['mail_message_id']
        )


def downgrade() -> None:
    with op.batch_alter_table('request_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_request_messages_mail_message_id'), type_='unique')
        batch_op.drop_column('mail_message_id')
        batch_op.drop_column('channel')
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_requests_channel'))
        batch_op.drop_column('channel')

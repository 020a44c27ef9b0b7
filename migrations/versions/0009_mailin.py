"""mailin: mailboxes, inbound mail log, quarantine, bounces

Revision ID: 0009_mailin
Revises: 0008_channels
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_mailin'
down_revision = '0008_channels'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('mail_bounces',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=True),
    sa.Column('diagnostic', sa.Text(), nullable=True),
    sa.Column('original_message_id', sa.String(length=255), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_bounces_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_bounces'))
    )
    with op.batch_alter_table('mail_bounces', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_bounces_recipient'), ['recipient'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_bounces_user_id'), ['user_id'], unique=False)

    op.create_table('mailboxes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('port', sa.Integer(), nullable=False),
    sa.Column('security', sa.Enum('tls', 'starttls', 'plain', name='mailsecurity', native_enum=False, length=10), nullable=False),
    sa.Column('username', sa.String(length=255), nullable=False),
    sa.Column('password', sa.String(length=255), nullable=False),
    sa.Column('folder', sa.String(length=255), nullable=False),
    sa.Column('support_address', sa.String(length=254), nullable=False),
    sa.Column('default_category_id', sa.Integer(), nullable=True),
    sa.Column('default_priority', sa.Enum('low', 'normal', 'high', 'urgent', name='priority', native_enum=False, length=30), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('last_fetch_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['default_category_id'], ['categories.id'], name=op.f('fk_mailboxes_default_category_id_categories'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mailboxes')),
    sa.UniqueConstraint('name', name=op.f('uq_mailboxes_name'))
    )
    op.create_table('quarantined_mails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mailbox_id', sa.Integer(), nullable=True),
    sa.Column('message_id', sa.String(length=255), nullable=True),
    sa.Column('sender', sa.String(length=254), nullable=True),
    sa.Column('subject', sa.String(length=255), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['mailbox_id'], ['mailboxes.id'], name=op.f('fk_quarantined_mails_mailbox_id_mailboxes'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quarantined_mails')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_quarantined_mails_stored_name'))
    )
    with op.batch_alter_table('quarantined_mails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quarantined_mails_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_quarantined_mails_message_id'), ['message_id'], unique=False)

    op.create_table('inbound_mails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('mailbox_id', sa.Integer(), nullable=True),
    sa.Column('sender', sa.String(length=254), nullable=False),
    sa.Column('outcome', sa.Enum('request', 'reply', 'auto_reply', 'bounce', 'own', 'quarantined', name='inboundoutcome', native_enum=False, length=20), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['mailbox_id'], ['mailboxes.id'], name=op.f('fk_inbound_mails_mailbox_id_mailboxes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['service_requests.id'], name=op.f('fk_inbound_mails_request_id_service_requests'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_mails')),
    sa.UniqueConstraint('message_id', name=op.f('uq_inbound_mails_message_id'))
    )
    with op.batch_alter_table('inbound_mails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_mails_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_mails_sender'), ['sender'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('inbound_mails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_mails_sender'))
        batch_op.drop_index(batch_op.f('ix_inbound_mails_received_at'))

    op.drop_table('inbound_mails')
    with op.batch_alter_table('quarantined_mails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quarantined_mails_message_id'))
        batch_op.drop_index(batch_op.f('ix_quarantined_mails_created_at'))

    op.drop_table('quarantined_mails')
    op.drop_table('mailboxes')
    with op.batch_alter_table('mail_bounces', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_bounces_user_id'))
        batch_op.drop_index(batch_op.f('ix_mail_bounces_recipient'))

    op.drop_table('mail_bounces')

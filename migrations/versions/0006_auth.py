"""auth: users.email_confirmed_at (self-registration is confirmed through a mailed link)

Revision ID: 0006_auth
Revises: 0005_kb
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_auth'
down_revision = '0005_kb'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed_at', sa.DateTime(timezone=True), nullable=True))
    # Accounts that exist already could log in before: they count as confirmed.
    op.execute(sa.text('UPDATE users SET email_confirmed_at = created_at'))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_confirmed_at')

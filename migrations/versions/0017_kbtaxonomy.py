"""kbtaxonomy: category and product names per language, the user's time zone

Revision ID: 0017_kbtaxonomy
Revises: 0017_kbl10n
"""
from alembic import op
import sqlalchemy as sa


revision = "0017_kbtaxonomy"
down_revision = "0017_kbl10n"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("categories", "products"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("names", sa.JSON(), server_default="{}", nullable=False))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("timezone")
    for table in ("products", "categories"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("names")

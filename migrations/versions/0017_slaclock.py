"""slaclock: response and resolution times measured on the SLA clock, paused while waiting on the customer

Existing requests get their times as they were measured before (calendar minutes).

Revision ID: 0017_slaclock
Revises: 0015_perf
"""
from alembic import op
import sqlalchemy as sa


revision = "0017_slaclock"
down_revision = "0015_perf"
branch_labels = None
depends_on = None


def _minutes(dialect: str, start: str, end: str) -> str:
    if dialect == "sqlite":
        return f"(julianday({end}) - julianday({start})) * 1440.0"
    return f"extract(epoch from ({end} - {start})) / 60.0"


def upgrade() -> None:
    with op.batch_alter_table("service_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_response_minutes", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("resolution_minutes", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("paused_minutes", sa.Float(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("sla_paused_at", sa.DateTime(timezone=True), nullable=True))
    dialect = op.get_bind().dialect.name
    op.execute(
        "UPDATE service_requests SET first_response_minutes = "
        + _minutes(dialect, "created_at", "first_responded_at")
        + " WHERE first_responded_at IS NOT NULL"
    )
    op.execute(
        "UPDATE service_requests SET resolution_minutes = "
        + _minutes(dialect, "created_at", "resolved_at")
        + " WHERE resolved_at IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("service_requests", schema=None) as batch_op:
        batch_op.drop_column("sla_paused_at")
        batch_op.drop_column("paused_minutes")
        batch_op.drop_column("resolution_minutes")
        batch_op.drop_column("first_response_minutes")

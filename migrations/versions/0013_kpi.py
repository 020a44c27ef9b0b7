"""kpi: business-hours calendars (with holidays) for SLA policies, the search log, dashboard indexes

Revision ID: 0013_kpi
Revises: 0012_gdpr
"""

from alembic import op
import sqlalchemy as sa


revision = "0013_kpi"
down_revision = "0012_gdpr"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendars",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendars")),
        sa.UniqueConstraint("name", name=op.f("uq_calendars_name")),
    )
    op.create_table(
        "calendar_holidays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("calendar_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["calendar_id"],
            ["calendars.id"],
            name=op.f("fk_calendar_holidays_calendar_id_calendars"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_holidays")),
        sa.UniqueConstraint("calendar_id", "day", name=op.f("uq_calendar_holidays_calendar_id")),
    )
    with op.batch_alter_table("calendar_holidays", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_holidays_calendar_id"), ["calendar_id"], unique=False)
    with op.batch_alter_table("sla_policies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_sla_policies_calendar_id_calendars"),
            "calendars",
            ["calendar_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "search_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("query", sa.String(length=120), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("results", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_logs")),
    )
    with op.batch_alter_table("search_logs", schema=None) as batch_op:
        batch_op.create_index("ix_search_logs_created_at_results", ["created_at", "results"], unique=False)
    # the dashboard's queries (see portal/models/insights.py)
    with op.batch_alter_table("request_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_request_events_reopens",
            ["kind", "from_value", "to_value", "created_at", "request_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("request_events", schema=None) as batch_op:
        batch_op.drop_index("ix_request_events_reopens")
    with op.batch_alter_table("search_logs", schema=None) as batch_op:
        batch_op.drop_index("ix_search_logs_created_at_results")
    op.drop_table("search_logs")
    with op.batch_alter_table("sla_policies", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_sla_policies_calendar_id_calendars"), type_="foreignkey")
        batch_op.drop_column("calendar_id")
    with op.batch_alter_table("calendar_holidays", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_holidays_calendar_id"))
    op.drop_table("calendar_holidays")
    op.drop_table("calendars")

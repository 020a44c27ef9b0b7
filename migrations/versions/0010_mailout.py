"""mailout: outbox, agent mail preferences, category watches, portal settings, follow-up links,
attachments on replies

Revision ID: 0010_mailout
Revises: 0009_mailin
"""

from alembic import op
import sqlalchemy as sa


revision = "0010_mailout"
down_revision = "0009_mailin"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("pending", "sent", "failed", name="outboxstate", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["service_requests.id"],
            name=op.f("fk_outbox_messages_request_id_service_requests"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbox_messages_message_id")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_messages_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_messages_request_id"), ["request_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_messages_recipient"), ["recipient"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_messages_state"), ["state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_outbox_messages_next_attempt_at"), ["next_attempt_at"], unique=False
        )
    op.create_table(
        "agent_mail_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("all_new_requests", sa.Boolean(), nullable=False),
        sa.Column("replies_on_assigned", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_agent_mail_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_agent_mail_preferences")),
    )
    op.create_table(
        "category_watches",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_category_watches_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_category_watches_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "category_id", name=op.f("pk_category_watches")),
    )
    op.create_table(
        "portal_settings",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_portal_settings")),
    )
    with op.batch_alter_table("service_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("follows_up_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_service_requests_follows_up_id"), ["follows_up_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_service_requests_follows_up_id_service_requests"),
            "service_requests",
            ["follows_up_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_attachments_message_id"), ["message_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_attachments_message_id_request_messages"),
            "request_messages",
            ["message_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_attachments_message_id_request_messages"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_attachments_message_id"))
        batch_op.drop_column("message_id")
    with op.batch_alter_table("service_requests", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_service_requests_follows_up_id_service_requests"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_service_requests_follows_up_id"))
        batch_op.drop_column("follows_up_id")
    op.drop_table("portal_settings")
    op.drop_table("category_watches")
    op.drop_table("agent_mail_preferences")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        for name in ("next_attempt_at", "state", "recipient", "request_id", "created_at"):
            batch_op.drop_index(batch_op.f(f"ix_outbox_messages_{name}"))
    op.drop_table("outbox_messages")

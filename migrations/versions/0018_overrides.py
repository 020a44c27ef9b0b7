"""overrides: marketers' overrides of blocked link suggestions, and blocked reasons as rows for reports

Existing blocked suggestions get their reason keys (code:kind) copied from their `reasons` JSON.

Revision ID: 0018_overrides
Revises: 0017_kbtaxonomy
"""
from alembic import op
import sqlalchemy as sa


revision = "0018_overrides"
down_revision = "0017_kbtaxonomy"
branch_labels = None
depends_on = None


def _key(reason) -> str:
    """linker.reasons.reason_key, frozen here (a migration must not change with the code)."""
    if isinstance(reason, str):
        code, _, detail = reason.split(" (")[0].partition(":")
        return f"{code.strip()}:{detail.strip()}" if detail.strip() else code.strip()
    if isinstance(reason, dict):
        code, kind = str(reason.get("code", "")), str(reason.get("kind", ""))
        return f"{code}:{kind}" if kind else code
    return ""


def upgrade() -> None:
    op.create_table(
        "link_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("matched_text", sa.String(length=200), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("reason_keys", sa.JSON(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_link_overrides_article_id_articles"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["offers.id"], name=op.f("fk_link_overrides_offer_id_offers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["users.id"], name=op.f("fk_link_overrides_revoked_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_link_overrides_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_overrides")),
    )
    op.create_index("ix_link_overrides_article_offer", "link_overrides", ["article_id", "offer_id"], unique=False)
    op.create_index(op.f("ix_link_overrides_created_at"), "link_overrides", ["created_at"], unique=False)
    op.create_index(op.f("ix_link_overrides_offer_id"), "link_overrides", ["offer_id"], unique=False)
    op.create_table(
        "link_block_reasons",
        sa.Column("suggestion_id", sa.Integer(), nullable=False),
        sa.Column("reason_key", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["suggestion_id"],
            ["link_suggestions.id"],
            name=op.f("fk_link_block_reasons_suggestion_id_link_suggestions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("suggestion_id", "reason_key", name=op.f("pk_link_block_reasons")),
    )
    op.create_index(op.f("ix_link_block_reasons_reason_key"), "link_block_reasons", ["reason_key"], unique=False)
    with op.batch_alter_table("link_suggestions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("override_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_link_suggestions_override_id"), ["override_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_link_suggestions_override_id_link_overrides"),
            "link_overrides",
            ["override_id"],
            ["id"],
            ondelete="SET NULL",
        )
    bind = op.get_bind()
    suggestions = sa.table(
        "link_suggestions", sa.column("id", sa.Integer), sa.column("state", sa.String), sa.column("reasons", sa.JSON)
    )
    rows = []
    for ident, reasons in bind.execute(
        sa.select(suggestions.c.id, suggestions.c.reasons).where(suggestions.c.state == "blocked")
    ):
        keys = dict.fromkeys(_key(r)[:80] for r in reasons or [])
        rows.extend({"suggestion_id": ident, "reason_key": key} for key in keys if key)
    if rows:
        op.bulk_insert(
            sa.table("link_block_reasons", sa.column("suggestion_id", sa.Integer), sa.column("reason_key", sa.String)),
            rows,
        )


def downgrade() -> None:
    with op.batch_alter_table("link_suggestions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_link_suggestions_override_id_link_overrides"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_link_suggestions_override_id"))
        batch_op.drop_column("override_id")
    op.drop_index(op.f("ix_link_block_reasons_reason_key"), table_name="link_block_reasons")
    op.drop_table("link_block_reasons")
    op.drop_index(op.f("ix_link_overrides_offer_id"), table_name="link_overrides")
    op.drop_index(op.f("ix_link_overrides_created_at"), table_name="link_overrides")
    op.drop_index("ix_link_overrides_article_offer", table_name="link_overrides")
    op.drop_table("link_overrides")

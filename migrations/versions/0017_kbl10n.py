"""kb-l10n: translation bases and significance on revisions, handled feedback, article <- request link

Revision ID: 0017_kbl10n
Revises: 0015_perf
"""
from alembic import op
import sqlalchemy as sa


revision = "0017_kbl10n"
down_revision = "0015_perf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("article_revisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("based_on_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "significance",
                sa.Enum("minor", "major", name="significance", native_enum=False, length=10),
                nullable=False,
                server_default="minor",
            )
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_article_revisions_based_on_id_article_revisions"),
            "article_revisions", ["based_on_id"], ["id"], ondelete="SET NULL",
        )
    with op.batch_alter_table("article_feedback", schema=None) as batch_op:
        batch_op.add_column(sa.Column("handled", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_request_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_articles_source_request_id_service_requests"),
            "service_requests", ["source_request_id"], ["id"], ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_articles_source_request_id_service_requests"), type_="foreignkey")
        batch_op.drop_column("source_request_id")
    with op.batch_alter_table("article_feedback", schema=None) as batch_op:
        batch_op.drop_column("handled")
    with op.batch_alter_table("article_revisions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_article_revisions_based_on_id_article_revisions"), type_="foreignkey"
        )
        batch_op.drop_column("significance")
        batch_op.drop_column("based_on_id")

"""customer: notes, article reads, values and ABC classes, ERP order totals, segments, class SLAs;
product warranty, price and serial pattern; registered products keep a receipt

Revision ID: 0014_customer
Revises: 0016_workspace
"""
from alembic import op
import sqlalchemy as sa


revision = '0014_customer'
down_revision = "0016_workspace"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('class_sla_policies',
    sa.Column('customer_class', sa.Enum('A', 'B', 'C', name='customerclass', native_enum=False), nullable=False),
    sa.Column('priority', sa.Enum('low', 'normal', 'high', 'urgent', name='priority', native_enum=False, length=30), nullable=False),
    sa.Column('first_response_minutes', sa.Integer(), nullable=False),
    sa.Column('resolution_minutes', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('customer_class', 'priority', name=op.f('pk_class_sla_policies'))
    )
    op.create_table('classification_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('phase', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('window_start', sa.Date(), nullable=False),
    sa.Column('last_user_id', sa.Integer(), nullable=False),
    sa.Column('max_user_id', sa.Integer(), nullable=False),
    sa.Column('total_cents', sa.BigInteger(), nullable=False),
    sa.Column('a_min_cents', sa.BigInteger(), nullable=True),
    sa.Column('b_min_cents', sa.BigInteger(), nullable=True),
    sa.Column('lease_owner', sa.String(length=32), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_classification_runs'))
    )
    op.create_table('segments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_segments')),
    sa.UniqueConstraint('name', name=op.f('uq_segments_name'))
    )
    op.create_table('customer_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_customer_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['users.id'], name=op.f('fk_customer_notes_customer_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_notes'))
    )
    with op.batch_alter_table('customer_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_notes_customer_id'), ['customer_id'], unique=False)

    op.create_table('customer_values',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('value_cents', sa.BigInteger(), nullable=False),
    sa.Column('customer_class', sa.Enum('A', 'B', 'C', name='customerclass', native_enum=False), nullable=True),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_customer_values_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_customer_values'))
    )
    with op.batch_alter_table('customer_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_values_customer_class'), ['customer_class'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_values_value_cents'), ['value_cents'], unique=False)

    op.create_table('order_totals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_ref', sa.String(length=60), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('total_cents', sa.BigInteger(), nullable=False),
    sa.Column('ordered_on', sa.Date(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_order_totals_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_totals')),
    sa.UniqueConstraint('order_ref', name=op.f('uq_order_totals_order_ref'))
    )
    with op.batch_alter_table('order_totals', schema=None) as batch_op:
        batch_op.create_index('ix_order_totals_user_ordered', ['user_id', 'ordered_on'], unique=False)

    op.create_table('article_reads',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_article_reads_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_article_reads_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'article_id', name=op.f('pk_article_reads'))
    )
    with op.batch_alter_table('article_reads', schema=None) as batch_op:
        batch_op.create_index('ix_article_reads_user_read', ['user_id', 'read_at'], unique=False)

    with op.batch_alter_table('customer_products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registered_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('receipt_name', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('receipt_stored_name', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('receipt_content_type', sa.String(length=100), nullable=True))
        batch_op.create_index(batch_op.f('ix_customer_products_serial_number'), ['serial_number'], unique=False)

    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warranty_months', sa.Integer(), server_default='24', nullable=False))
        batch_op.add_column(sa.Column('price_cents', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('serial_pattern', sa.String(length=200), server_default='', nullable=False))



def _drop_columns(table: str, columns: list[str]) -> None:
    """Drop plain columns. On SQLite natively (3.35+): a batch copy would drop the referenced table,
    which the portal's `PRAGMA foreign_keys=ON` refuses as soon as rows point at it."""
    if op.get_bind().dialect.name == 'sqlite':
        for column in columns:
            op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
    else:
        for column in columns:
            op.drop_column(table, column)


def downgrade() -> None:
    _drop_columns('products', ['serial_pattern', 'price_cents', 'warranty_months'])
    op.drop_index(op.f('ix_customer_products_serial_number'), table_name='customer_products')
    _drop_columns(
        'customer_products', ['receipt_content_type', 'receipt_stored_name', 'receipt_name', 'registered_at']
    )
    op.drop_index('ix_article_reads_user_read', table_name='article_reads')
    op.drop_table('article_reads')
    op.drop_index('ix_order_totals_user_ordered', table_name='order_totals')
    op.drop_table('order_totals')
    op.drop_index(op.f('ix_customer_values_value_cents'), table_name='customer_values')
    op.drop_index(op.f('ix_customer_values_customer_class'), table_name='customer_values')
    op.drop_table('customer_values')
    op.drop_index(op.f('ix_customer_notes_customer_id'), table_name='customer_notes')
    op.drop_table('customer_notes')
    op.drop_table('segments')
    op.drop_table('classification_runs')
    op.drop_table('class_sla_policies')

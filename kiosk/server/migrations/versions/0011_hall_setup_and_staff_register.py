"""a hall sets itself up: opening hours and closures, retired queues and matters, the staff register

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 05:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'hall_closures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('hall_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('reason', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['hall_id'], ['halls.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('hall_id', 'day'),
    )
    op.create_index(op.f('ix_hall_closures_hall_id'), 'hall_closures', ['hall_id'], unique=False)
    # existing rows get their value from the server default; new rows from the models. Plain
    # ALTER TABLE … ADD COLUMN: a batch copy of helpers would drop a table other rows refer to
    op.add_column('halls', sa.Column('hours', sa.JSON(), nullable=False, server_default='{}'))
    for table in ('queues', 'matters'):
        op.add_column(table, sa.Column('retired_at', sa.DateTime(), nullable=True))
    op.add_column('helpers', sa.Column('post', sa.String(length=60), nullable=False, server_default=''))
    op.add_column('helpers', sa.Column('unit', sa.String(length=100), nullable=False, server_default=''))
    op.add_column('helpers', sa.Column('started_on', sa.Date(), nullable=True))
    op.add_column('helpers', sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    # plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): a batch copy would drop and re-create these
    # tables, which SQLite refuses while other tables' rows refer to them (cases name their helper)
    for table, columns in (('helpers', ('active', 'started_on', 'unit', 'post')), ('matters', ('retired_at',)),
                           ('queues', ('retired_at',)), ('halls', ('hours',))):
        for column in columns:
            op.drop_column(table, column)
    op.drop_index(op.f('ix_hall_closures_hall_id'), table_name='hall_closures')
    op.drop_table('hall_closures')

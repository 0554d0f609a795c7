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
    # existing rows get their value from the server default; new rows from the models
    with op.batch_alter_table('halls') as batch:
        batch.add_column(sa.Column('hours', sa.JSON(), nullable=False, server_default='{}'))
    for table in ('queues', 'matters'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('retired_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('helpers') as batch:
        batch.add_column(sa.Column('post', sa.String(length=60), nullable=False, server_default=''))
        batch.add_column(sa.Column('unit', sa.String(length=100), nullable=False, server_default=''))
        batch.add_column(sa.Column('started_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table('helpers') as batch:
        for column in ('active', 'started_on', 'unit', 'post'):
            batch.drop_column(column)
    for table in ('matters', 'queues'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('retired_at')
    with op.batch_alter_table('halls') as batch:
        batch.drop_column('hours')
    op.drop_index(op.f('ix_hall_closures_hall_id'), table_name='hall_closures')
    op.drop_table('hall_closures')

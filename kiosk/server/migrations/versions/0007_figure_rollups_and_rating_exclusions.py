"""figure rollups, rating exclusions, indexes for reading records by time

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 14:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'rating_exclusions',
        sa.Column('rating_id', BigId, nullable=False),
        sa.Column('hall_id', sa.Integer(), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=False),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['rating_id'], ['ratings.id']),
        sa.ForeignKeyConstraint(['hall_id'], ['halls.id']),
        sa.ForeignKeyConstraint(['decided_by'], ['helpers.id']),
        sa.PrimaryKeyConstraint('rating_id'),
    )
    with op.batch_alter_table('rating_exclusions', schema=None) as batch_op:
        batch_op.create_index('ix_rating_exclusions_hall_id', ['hall_id'], unique=False)
    op.create_table(
        'figure_days',
        sa.Column('hall_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('changes', sa.Integer(), nullable=False),
        sa.Column('built', sa.Integer(), nullable=True),
        sa.Column('built_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['hall_id'], ['halls.id']),
        sa.PrimaryKeyConstraint('hall_id', 'day'),
    )
    op.create_table(
        'figure_minutes',
        sa.Column('hall_id', sa.Integer(), nullable=False),
        sa.Column('measure', sa.String(length=8), nullable=False),
        sa.Column('grouping', sa.String(length=8), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('key', sa.Integer(), nullable=False),
        sa.Column('minute', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('total_us', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('hall_id', 'measure', 'grouping', 'day', 'key', 'minute'),
    )
    op.create_table(
        'figure_scores',
        sa.Column('hall_id', sa.Integer(), nullable=False),
        sa.Column('grouping', sa.String(length=8), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('key', sa.Integer(), nullable=False),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('hall_id', 'grouping', 'day', 'key', 'score'),
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_hall_issued', ['hall_id', 'issued_at'], unique=False)
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.create_index('ix_services_hall_called', ['hall_id', 'called_at'], unique=False)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_hall_closed', ['hall_id', 'closed_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_hall_closed')
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_index('ix_services_hall_called')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_hall_issued')
    op.drop_table('figure_scores')
    op.drop_table('figure_minutes')
    op.drop_table('figure_days')
    with op.batch_alter_table('rating_exclusions', schema=None) as batch_op:
        batch_op.drop_index('ix_rating_exclusions_hall_id')
    op.drop_table('rating_exclusions')

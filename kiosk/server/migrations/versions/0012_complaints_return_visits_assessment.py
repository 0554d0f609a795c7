"""complaints and requests, return visits, the assessor's inspection entries

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 05:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'complaints',
        sa.Column('id', BigId, nullable=False),
        sa.Column('hall_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('source', sa.String(length=12), nullable=False),
        sa.Column('category', sa.String(length=16), nullable=False),
        sa.Column('priority', sa.String(length=8), nullable=False),
        sa.Column('subject', sa.Text(), nullable=False),
        sa.Column('person', sa.String(length=100), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=False),
        sa.Column('helper_id', sa.Integer(), nullable=True),
        sa.Column('window_id', sa.Integer(), nullable=True),
        sa.Column('handler_id', sa.Integer(), nullable=True),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.Column('deadline', sa.Date(), nullable=False),
        sa.Column('registered_by', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=8), nullable=False),
        sa.Column('handled_at', sa.DateTime(), nullable=True),
        sa.Column('handling', sa.Text(), nullable=False),
        sa.Column('result', sa.Text(), nullable=False),
        sa.Column('finding', sa.String(length=10), nullable=True),
        sa.Column('serious', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['hall_id'], ['halls.id']),
        sa.ForeignKeyConstraint(['helper_id'], ['helpers.id']),
        sa.ForeignKeyConstraint(['window_id'], ['windows.id']),
        sa.ForeignKeyConstraint(['handler_id'], ['helpers.id']),
        sa.ForeignKeyConstraint(['registered_by'], ['helpers.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_complaints_hall_id'), 'complaints', ['hall_id'], unique=False)
    op.create_index('ix_complaints_hall_received', 'complaints', ['hall_id', 'received_at'], unique=False)
    op.create_table(
        'return_visits',
        sa.Column('id', BigId, nullable=False),
        sa.Column('hall_id', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=24), nullable=False),
        sa.Column('subject', sa.String(length=8), nullable=False),
        sa.Column('subject_id', sa.BigInteger(), nullable=False),
        sa.Column('helper_id', sa.Integer(), nullable=True),
        sa.Column('drawn_at', sa.DateTime(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('called_at', sa.DateTime(), nullable=True),
        sa.Column('called_by', sa.Integer(), nullable=True),
        sa.Column('score', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['hall_id'], ['halls.id']),
        sa.ForeignKeyConstraint(['helper_id'], ['helpers.id']),
        sa.ForeignKeyConstraint(['called_by'], ['helpers.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('hall_id', 'subject', 'subject_id'),
    )
    op.create_index(op.f('ix_return_visits_hall_id'), 'return_visits', ['hall_id'], unique=False)
    op.create_table(
        'assessment_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('hall_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('item', sa.String(length=16), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.Column('zeroed', sa.Boolean(), nullable=False),
        sa.Column('serious', sa.Boolean(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('entered_by', sa.Integer(), nullable=True),
        sa.Column('entered_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['hall_id'], ['halls.id']),
        sa.ForeignKeyConstraint(['entered_by'], ['helpers.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('hall_id', 'year', 'item'),
    )
    op.create_index(op.f('ix_assessment_entries_hall_id'), 'assessment_entries', ['hall_id'], unique=False)


def downgrade() -> None:
    op.drop_table('assessment_entries')
    op.drop_table('return_visits')
    op.drop_index('ix_complaints_hall_received', table_name='complaints')
    op.drop_table('complaints')

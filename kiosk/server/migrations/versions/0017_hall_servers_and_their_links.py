"""hall servers: the outbox and journal of the link, and its peers

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 15:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _changes(name: str, key: str) -> None:
    # the journal's numbers are never given twice, even once it is pruned empty (AUTOINCREMENT)
    op.create_table(
        name,
        sa.Column(key, BigId, nullable=False),
        sa.Column('tbl', sa.String(length=40), nullable=False),
        sa.Column('op', sa.String(length=1), nullable=False),
        sa.Column('row', sa.JSON(), nullable=False),
        sa.Column('for_hall', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint(key),
        sqlite_autoincrement=name == 'sync_journal',
    )


def upgrade() -> None:
    _changes('sync_outbox', 'id')
    _changes('sync_journal', 'seq')
    op.create_index('ix_sync_journal_for_hall', 'sync_journal', ['for_hall', 'seq'])
    op.create_table('sync_applying', sa.Column('flag', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('flag'))
    op.create_table('sync_identity', sa.Column('node', sa.Integer(), autoincrement=False, nullable=False),
                    sa.PrimaryKeyConstraint('node'))
    op.create_table(
        'sync_peers',
        sa.Column('peer', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('hall_id', sa.Integer(), nullable=True),
        sa.Column('applied_seq', sa.BigInteger(), nullable=False, server_default='0'),
        sa.Column('acked_seq', sa.BigInteger(), nullable=False, server_default='0'),
        sa.Column('contact_at', sa.DateTime(), nullable=True),
        sa.Column('record_at', sa.DateTime(), nullable=True),
        sa.Column('backlog_records', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('backlog_since', sa.DateTime(), nullable=True),
        sa.Column('error', sa.String(length=300), nullable=False, server_default=''),
        sa.PrimaryKeyConstraint('peer'),
    )


def downgrade() -> None:
    for name in ('sync_peers', 'sync_identity', 'sync_applying', 'sync_journal', 'sync_outbox'):
        op.drop_table(name)

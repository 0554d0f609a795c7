"""helper sessions: when the terminal was last heard, shared by every server process

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 04:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('helper_sessions', sa.Column('heard_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column('helper_sessions', 'heard_at')  # ALTER TABLE … DROP COLUMN: no copy of a table others refer to

"""bookings: the citizen's priority group (老弱病残孕…), carried to the ticket at check-in

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08 06:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('bookings', sa.Column('priority_group', sa.String(length=20), nullable=True))


def downgrade() -> None:
    op.drop_column('bookings', 'priority_group')

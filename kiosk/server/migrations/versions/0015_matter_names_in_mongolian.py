"""matters: the name in traditional Mongolian, for halls that serve in Mongolian and Chinese

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 06:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('matters', sa.Column('name_mn', sa.String(length=200), nullable=True))


def downgrade() -> None:
    op.drop_column('matters', 'name_mn')  # ALTER TABLE … DROP COLUMN: no copy of a table others refer to

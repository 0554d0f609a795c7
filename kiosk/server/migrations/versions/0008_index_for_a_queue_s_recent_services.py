"""index for a queue's recent services (the waiting-time estimate)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 17:30:00
"""
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.create_index('ix_services_queue_finished', ['queue_id', 'finished_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_index('ix_services_queue_finished')

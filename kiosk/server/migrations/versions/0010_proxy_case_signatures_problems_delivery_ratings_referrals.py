"""proxy cases: signed forms and their pages, problem log, delivery, ratings, referrals, public page

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 01:27:51.201495
"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _give_existing_cases_their_public_token() -> None:
    """Cases opened before this revision get the token and code every new case gets."""
    conn = op.get_bind()
    for (case_id,) in conn.execute(sa.text("SELECT id FROM cases WHERE public_token IS NULL")).all():
        conn.execute(sa.text("UPDATE cases SET public_token = :t, public_code = :c WHERE id = :id"),
                     {"t": secrets.token_urlsafe(24), "c": f"{secrets.randbelow(10**6):06d}", "id": case_id})


def upgrade() -> None:
    op.create_table('case_documents',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('path', sa.String(length=300), nullable=False),
    sa.Column('idempotency_key', sa.String(length=100), nullable=True),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('helper_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ),
    sa.ForeignKeyConstraint(['helper_id'], ['helpers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'idempotency_key')
    )
    op.create_index(op.f('ix_case_documents_case_id'), 'case_documents', ['case_id'], unique=False)
    op.create_table('case_problems',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('handling', sa.Text(), nullable=False),
    sa.Column('raised_at', sa.DateTime(), nullable=False),
    sa.Column('raised_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['raised_by'], ['helpers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_case_problems_case_id'), 'case_problems', ['case_id'], unique=False)
    op.create_table('case_rating_invites',
    sa.Column('window_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('pad_seq', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['window_id'], ['windows.id'], ),
    sa.PrimaryKeyConstraint('window_id')
    )
    op.create_table('case_ratings',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('helper_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('window_id', sa.Integer(), nullable=True),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('pad_seq', sa.BigInteger(), nullable=True),
    sa.Column('rated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], ),
    sa.ForeignKeyConstraint(['helper_id'], ['helpers.id'], ),
    sa.ForeignKeyConstraint(['window_id'], ['windows.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id')
    )
    op.create_index(op.f('ix_case_ratings_hall_id'), 'case_ratings', ['hall_id'], unique=False)
    op.create_table('case_referrals',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('from_hall_id', sa.Integer(), nullable=False),
    sa.Column('to_hall_id', sa.Integer(), nullable=False),
    sa.Column('helper_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('answered_by', sa.Integer(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['answered_by'], ['helpers.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['from_hall_id'], ['halls.id'], ),
    sa.ForeignKeyConstraint(['helper_id'], ['helpers.id'], ),
    sa.ForeignKeyConstraint(['to_hall_id'], ['halls.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_case_referrals_case_id'), 'case_referrals', ['case_id'], unique=False)
    op.create_index(op.f('ix_case_referrals_from_hall_id'), 'case_referrals', ['from_hall_id'], unique=False)
    op.create_index(op.f('ix_case_referrals_to_hall_id'), 'case_referrals', ['to_hall_id'], unique=False)
    op.create_table('case_deliveries',
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('method', sa.String(length=12), nullable=False),
    sa.Column('carrier', sa.String(length=40), nullable=False),
    sa.Column('tracking_number', sa.String(length=40), nullable=False),
    sa.Column('document_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=True),
    sa.Column('received_by', sa.String(length=10), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['document_id'], ['case_documents.id'], ),
    sa.PrimaryKeyConstraint('case_id')
    )
    op.create_table('case_problem_updates',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('problem_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('handling', sa.Text(), nullable=False),
    sa.Column('helper_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['helper_id'], ['helpers.id'], ),
    sa.ForeignKeyConstraint(['problem_id'], ['case_problems.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_case_problem_updates_problem_id'), 'case_problem_updates', ['problem_id'], unique=False)
    op.create_table('case_signatures',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('step_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('form', sa.String(length=12), nullable=False),
    sa.Column('document_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('helper_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['document_id'], ['case_documents.id'], ),
    sa.ForeignKeyConstraint(['helper_id'], ['helpers.id'], ),
    sa.ForeignKeyConstraint(['step_id'], ['case_steps.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('step_id')
    )
    op.create_index(op.f('ix_case_signatures_case_id'), 'case_signatures', ['case_id'], unique=False)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_token', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('public_code', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('code_failures', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('handling_hall_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_cases_handling_hall_id'), ['handling_hall_id'], unique=False)
        batch_op.create_unique_constraint('uq_cases_public_token', ['public_token'])
        batch_op.create_foreign_key('fk_cases_handling_hall_id', 'halls', ['handling_hall_id'], ['id'])
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('case_rating_id', BigId, nullable=True))
        batch_op.alter_column('rating_id', existing_type=BigId, nullable=True)
        batch_op.create_unique_constraint('uq_follow_ups_case_rating_id', ['case_rating_id'])
        batch_op.create_foreign_key('fk_follow_ups_case_rating_id', 'case_ratings', ['case_rating_id'], ['id'])
    _give_existing_cases_their_public_token()


def downgrade() -> None:
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_constraint('fk_follow_ups_case_rating_id', type_='foreignkey')
        batch_op.drop_constraint('uq_follow_ups_case_rating_id', type_='unique')
        batch_op.alter_column('rating_id', existing_type=BigId, nullable=False)
        batch_op.drop_column('case_rating_id')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint('fk_cases_handling_hall_id', type_='foreignkey')
        batch_op.drop_constraint('uq_cases_public_token', type_='unique')
        batch_op.drop_index(batch_op.f('ix_cases_handling_hall_id'))
        batch_op.drop_column('handling_hall_id')
        batch_op.drop_column('code_failures')
        batch_op.drop_column('public_code')
        batch_op.drop_column('public_token')
    op.drop_index(op.f('ix_case_signatures_case_id'), table_name='case_signatures')
    op.drop_table('case_signatures')
    op.drop_index(op.f('ix_case_problem_updates_problem_id'), table_name='case_problem_updates')
    op.drop_table('case_problem_updates')
    op.drop_table('case_deliveries')
    op.drop_index(op.f('ix_case_referrals_to_hall_id'), table_name='case_referrals')
    op.drop_index(op.f('ix_case_referrals_from_hall_id'), table_name='case_referrals')
    op.drop_index(op.f('ix_case_referrals_case_id'), table_name='case_referrals')
    op.drop_table('case_referrals')
    op.drop_index(op.f('ix_case_ratings_hall_id'), table_name='case_ratings')
    op.drop_table('case_ratings')
    op.drop_table('case_rating_invites')
    op.drop_index(op.f('ix_case_problems_case_id'), table_name='case_problems')
    op.drop_table('case_problems')
    op.drop_index(op.f('ix_case_documents_case_id'), table_name='case_documents')
    op.drop_table('case_documents')

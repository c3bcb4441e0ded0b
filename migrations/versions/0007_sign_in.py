"""Server-side sign-in sessions: a session or remember-me cookie works only while its row is live

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

Cookies issued before this revision named the person and a password fingerprint; they no
longer resolve, so everybody signs in once more after the upgrade.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sign_in',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('remember', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.Column('address', sa.String(length=45), nullable=True),
        sa.Column('agent', sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], name='fk_sign_in_person_id_person'),
        sa.PrimaryKeyConstraint('id', name='pk_sign_in'),
        sa.UniqueConstraint('token_hash', name='uq_sign_in_token_hash'),
    )
    op.create_index('ix_sign_in_person_id', 'sign_in', ['person_id'])


def downgrade():
    op.drop_index('ix_sign_in_person_id', table_name='sign_in')
    op.drop_table('sign_in')

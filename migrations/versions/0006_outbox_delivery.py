"""Outbox delivery: sending claims, interrupted deliveries, superseded messages, per-thread index

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

Messages given up under the old schedule (10 attempts, about 8.5 hours) are put back in the
queue: the relay was down, nobody had read them, and the new schedule retries for days.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message') as batch:
        batch.add_column(sa.Column('claimed_by', sa.String(length=120), nullable=True))
        batch.add_column(sa.Column('claimed_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('interrupted', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('superseded_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('queued_at', sa.DateTime(), nullable=True))
        batch.create_foreign_key('fk_outbox_message_superseded_by_id_outbox_message',
                                 'outbox_message', ['superseded_by_id'], ['id'])
        batch.create_index('ix_outbox_thread', ['meeting_id', 'recipient', 'id'])
    op.execute('UPDATE outbox_message SET queued_at = created_at')
    with op.batch_alter_table('outbox_message') as batch:
        batch.alter_column('interrupted', server_default=None)
        batch.alter_column('queued_at', existing_type=sa.DateTime(), nullable=False)
    # Temporary failures only: a 5xx refusal ('SMTPRecipientsRefused' …) stays failed.
    op.execute("UPDATE outbox_message SET status = 'pending', next_attempt_at = created_at, queued_at = created_at "
               "WHERE status = 'failed' AND attempts >= 10")


def downgrade():
    op.execute("UPDATE outbox_message SET status = 'pending' WHERE status = 'sending'")
    op.execute("UPDATE outbox_message SET status = 'sent' WHERE status = 'superseded'")
    with op.batch_alter_table('outbox_message') as batch:
        batch.drop_index('ix_outbox_thread')
        batch.drop_constraint('fk_outbox_message_superseded_by_id_outbox_message', type_='foreignkey')
        batch.drop_column('superseded_by_id')
        batch.drop_column('queued_at')
        batch.drop_column('interrupted')
        batch.drop_column('claimed_at')
        batch.drop_column('claimed_by')

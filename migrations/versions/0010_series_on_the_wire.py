"""A series is one recurring invite: each occurrence's slot (its RECURRENCE-ID), the series'
own SEQUENCE, which series go out in that shape, and the outbox thread of a series

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

Series planned before this revision keep their shape (``recurring_invite`` false): members
already hold one invite per occurrence, with its own UID, and a recurring event for the same
dates would stand beside them in their calendars. Only series planned from now on are mailed
and fed as one recurring event.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting_series') as batch:
        batch.add_column(sa.Column('recurring_invite', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('ical_sequence', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('meeting') as batch:
        batch.add_column(sa.Column('series_slot', sa.DateTime(), nullable=True))
    with op.batch_alter_table('outbox_message') as batch:
        batch.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_outbox_message_series_id_meeting_series', 'meeting_series',
                                 ['series_id'], ['id'])
    op.create_index('ix_outbox_series_thread', 'outbox_message', ['series_id', 'recipient', 'id'])


def downgrade():
    op.drop_index('ix_outbox_series_thread', table_name='outbox_message')
    with op.batch_alter_table('outbox_message') as batch:
        batch.drop_constraint('fk_outbox_message_series_id_meeting_series', type_='foreignkey')
        batch.drop_column('series_id')
    with op.batch_alter_table('meeting') as batch:
        batch.drop_column('series_slot')
    with op.batch_alter_table('meeting_series') as batch:
        batch.drop_column('ical_sequence')
        batch.drop_column('recurring_invite')

"""Calendar answers by mail: the received-mail log, the SEQUENCE each invitee was last sent,
bounced addresses, and the Message-ID of each queued message (a bounce names it)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

``invitation.sequence_sent`` starts empty: for invitations mailed before this revision the
meeting's own SEQUENCE stands in for it. The new answer 待定 (``tentative``) needs no change:
RSVP values are plain strings.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'inbound_mail',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.String(length=255), nullable=True),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.Column('sender', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('outcome', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.String(length=40), nullable=False),
        sa.Column('detail', sa.String(length=500), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=True),
        sa.Column('invitation_id', sa.Integer(), nullable=True),
        sa.Column('proposed_start', sa.DateTime(), nullable=True),
        sa.Column('proposed_end', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name='fk_inbound_mail_meeting_id_meeting',
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'],
                                name='fk_inbound_mail_invitation_id_invitation', ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name='pk_inbound_mail'),
        sa.UniqueConstraint('message_id', name='uq_inbound_mail_message_id'),
    )
    op.create_index('ix_inbound_mail_received_at', 'inbound_mail', ['received_at'])
    op.create_index('ix_inbound_mail_meeting_id', 'inbound_mail', ['meeting_id'])
    with op.batch_alter_table('invitation') as batch:
        batch.add_column(sa.Column('sequence_sent', sa.Integer(), nullable=True))
    with op.batch_alter_table('outbox_message') as batch:
        batch.add_column(sa.Column('message_id', sa.String(length=255), nullable=True))
    op.create_index('ix_outbox_message_message_id', 'outbox_message', ['message_id'])
    with op.batch_alter_table('person') as batch:
        batch.add_column(sa.Column('email_bounced_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('email_bounce_reason', sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table('person') as batch:
        batch.drop_column('email_bounce_reason')
        batch.drop_column('email_bounced_at')
    op.drop_index('ix_outbox_message_message_id', table_name='outbox_message')
    with op.batch_alter_table('outbox_message') as batch:
        batch.drop_column('message_id')
    with op.batch_alter_table('invitation') as batch:
        batch.drop_column('sequence_sent')
    op.drop_index('ix_inbound_mail_meeting_id', table_name='inbound_mail')
    op.drop_index('ix_inbound_mail_received_at', table_name='inbound_mail')
    op.drop_table('inbound_mail')

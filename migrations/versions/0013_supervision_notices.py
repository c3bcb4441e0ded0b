"""催办 notices: an overseer's reminder to a branch and the items it names

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03

New tables only; nothing to back-fill. (branch, subject, round) is unique so that the same
item is never noticed twice by accident, whatever the race.
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch', sa.String(length=32), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.Column('read_by_id', sa.Integer(), nullable=True),
    sa.Column('reply_kind', sa.Enum('arranged', 'explained', name='replykind', native_enum=False, length=24), nullable=True),
    sa.Column('reply_text', sa.Text(), nullable=True),
    sa.Column('reply_meeting_id', sa.Integer(), nullable=True),
    sa.Column('replied_at', sa.DateTime(), nullable=True),
    sa.Column('replied_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['branch_id'], ['organization.id'], name=op.f('fk_notice_branch_id_organization')),
    sa.ForeignKeyConstraint(['read_by_id'], ['person.id'], name=op.f('fk_notice_read_by_id_person')),
    sa.ForeignKeyConstraint(['replied_by_id'], ['person.id'], name=op.f('fk_notice_replied_by_id_person')),
    sa.ForeignKeyConstraint(['reply_meeting_id'], ['meeting.id'], name=op.f('fk_notice_reply_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['sender_id'], ['person.id'], name=op.f('fk_notice_sender_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice'))
    )
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_batch'), ['batch'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_branch_id'), ['branch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_sender_id'), ['sender_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_sent_at'), ['sent_at'], unique=False)

    op.create_table('notice_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('period', 'campaign', 'minutes', name='subjectkind', native_enum=False, length=24), nullable=False),
    sa.Column('subject', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['organization.id'], name=op.f('fk_notice_item_branch_id_organization')),
    sa.ForeignKeyConstraint(['notice_id'], ['notice.id'], name=op.f('fk_notice_item_notice_id_notice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_item')),
    sa.UniqueConstraint('branch_id', 'subject', 'round', name=op.f('uq_notice_item_branch_id'))
    )
    with op.batch_alter_table('notice_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_item_notice_id'), ['notice_id'], unique=False)



def downgrade():
    with op.batch_alter_table('notice_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_item_notice_id'))

    op.drop_table('notice_item')
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_sent_at'))
        batch_op.drop_index(batch_op.f('ix_notice_sender_id'))
        batch_op.drop_index(batch_op.f('ix_notice_branch_id'))
        batch_op.drop_index(batch_op.f('ix_notice_batch'))

    op.drop_table('notice')

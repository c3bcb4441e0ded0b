"""The record of a meeting: attendance summary, check-in codes, frozen minutes headers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

"""
import secrets

import sqlalchemy as sa
from alembic import op

# As in meetings.models.meeting at this release (a migration never imports the app).
CHECK_IN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attendance_recorded_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('attendance_recorded_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('committee_seats', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('expected_count', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('present_count', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('quorum_met', sa.Boolean(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_meeting_attendance_recorded_by_id_person'),
                                    'person', ['attendance_recorded_by_id'], ['id'])

    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('committee_member', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    with op.batch_alter_table('minutes_revision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('header', sa.JSON(), nullable=True))

    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_action_item_closed_by_id_person'),
                                    'person', ['closed_by_id'], ['id'])

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.String(length=200), nullable=True))

    _give_meetings_check_in_codes()


def _give_meetings_check_in_codes():
    """Meetings scheduled before this release get their random check-in code now."""
    bind = op.get_bind()
    ids = [row[0] for row in bind.execute(sa.text('SELECT id FROM meeting WHERE check_in_code IS NULL'))]
    update = sa.text('UPDATE meeting SET check_in_code = :code WHERE id = :id')
    for meeting_id in ids:
        code = "".join(secrets.choice(CHECK_IN_ALPHABET) for _ in range(6))
        bind.execute(update, {"code": code, "id": meeting_id})


def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_column('note')

    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_action_item_closed_by_id_person'), type_='foreignkey')
        batch_op.drop_column('closed_by_id')

    with op.batch_alter_table('minutes_revision', schema=None) as batch_op:
        batch_op.drop_column('header')

    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_column('committee_member')

    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meeting_attendance_recorded_by_id_person'), type_='foreignkey')
        batch_op.drop_column('quorum_met')
        batch_op.drop_column('present_count')
        batch_op.drop_column('expected_count')
        batch_op.drop_column('committee_seats')
        batch_op.drop_column('attendance_recorded_by_id')
        batch_op.drop_column('attendance_recorded_at')

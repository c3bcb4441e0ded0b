"""Compliance: party group of a 党小组会, alerts sent, the requirements of DESIGN §5

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26

"""
from collections import Counter
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# As in meetings.domain.requirements at this release (a migration never imports the app):
# (type code, applies to, period, needs quorum, local rule, source).
DEFAULT_REQUIREMENTS = [
    ('branch_assembly', 'branch', 'quarter', True, False, '中国共产党支部工作条例(试行) 第十一条'),
    ('branch_committee', 'branch_with_committee', 'month', True, False,
     '中国共产党支部工作条例(试行) 第十二条、第十四条'),
    ('group_meeting', 'party_group', 'month', False, False, '中国共产党支部工作条例(试行) 第十三条'),
    ('party_lecture', 'branch', 'quarter', False, True, '中国共产党党和国家机关基层组织工作条例 第十八条'),
    ('theme_day', 'branch', 'month', False, False, '中国共产党党员教育管理工作条例 第十六条'),
    ('org_life_meeting', 'branch', 'year', False, False, '中国共产党党员教育管理工作条例 第十七条'),
    ('member_appraisal', 'branch', 'year', False, False, '中国共产党党员教育管理工作条例 第十八条'),
]


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('party_group_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_meeting_party_group_id'), ['party_group_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_meeting_party_group_id_organization'),
                                    'organization', ['party_group_id'], ['id'])

    with op.batch_alter_table('requirement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replaces_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_requirement_replaces_id_requirement'),
                                    'requirement', ['replaces_id'], ['id'])

    op.create_table('compliance_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('subject', sa.String(length=60), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                            name=op.f('fk_compliance_alert_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compliance_alert')),
    sa.UniqueConstraint('organization_id', 'kind', 'subject',
                        name=op.f('uq_compliance_alert_organization_id'))
    )
    _attribute_group_meetings()
    _install_default_requirements()


def _attribute_group_meetings():
    """党小组会 already scheduled belong to the party group most of their invitees are in."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT m.id, p.party_group_id FROM meeting m "
        "JOIN meeting_meeting_type mmt ON mmt.meeting_id = m.id "
        "JOIN meeting_type t ON t.id = mmt.meeting_type_id AND t.code = 'group_meeting' "
        "JOIN invitation i ON i.meeting_id = m.id AND i.role = 'attendee' "
        "JOIN person p ON p.id = i.person_id WHERE p.party_group_id IS NOT NULL"))
    votes: dict[int, Counter] = {}
    for meeting_id, group_id in rows:
        votes.setdefault(meeting_id, Counter())[group_id] += 1
    update = sa.text('UPDATE meeting SET party_group_id = :group WHERE id = :id')
    for meeting_id, counter in votes.items():
        bind.execute(update, {"group": counter.most_common(1)[0][0], "id": meeting_id})


def _install_default_requirements():
    bind = op.get_bind()
    types = dict(bind.execute(sa.text('SELECT code, id FROM meeting_type')).all())
    if bind.execute(sa.text('SELECT COUNT(*) FROM requirement')).scalar():
        return
    table = sa.table('requirement', *(sa.column(c) for c in (
        'meeting_type_id', 'applies_to', 'period', 'min_count', 'needs_attendance', 'needs_quorum',
        'needs_final_minutes', 'source', 'is_local_rule')),
        sa.column('effective_from', sa.Date), sa.column('effective_to', sa.Date),
        sa.column('created_at', sa.DateTime), sa.column('updated_at', sa.DateTime))
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = [dict(meeting_type_id=types[code], applies_to=applies, period=period, min_count=1,
                 needs_attendance=True, needs_quorum=quorum, needs_final_minutes=True,
                 effective_from=date(2018, 1, 1), effective_to=None, source=source,
                 is_local_rule=local, created_at=now, updated_at=now)
            for code, applies, period, quorum, local, source in DEFAULT_REQUIREMENTS if code in types]
    if rows:
        op.bulk_insert(table, rows)


def downgrade():
    op.drop_table('compliance_alert')
    with op.batch_alter_table('requirement', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_requirement_replaces_id_requirement'), type_='foreignkey')
        batch_op.drop_column('replaces_id')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meeting_party_group_id_organization'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_meeting_party_group_id'))
        batch_op.drop_column('party_group_id')

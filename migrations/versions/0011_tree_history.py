"""The tree has a history: when units existed, what each person belonged to and who sat on
which committee, span by span; the quorum base a 党员大会 was counted against; and versions of
each meeting's compliance facts, for as-of views

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03

Back-fill, from the rows there are:
- a unit already 撤销 was dissolved on the Beijing day its ``deactivated_at`` says; units
  keep no founding date (judged as far back as before);
- each person has one span in their current branch, group, category and status, reaching back
  to before records began; an accepted transfer splits it on the day it was decided (the
  earlier branch before, the receiving branch after); someone transferred out of the system
  was active until the day their row last changed;
- each committee seat is held from its 任职日期, or since before records;
- each meeting's versions are rebuilt from its time stamps: planned when created, held when
  attendance was first recorded, final when its minutes were, cancelled when last changed.
A judgment of a past period changes only where these dates say the tree was different then.
"""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

BEIJING = timedelta(hours=8)


def _span_columns():
    return [sa.Column('valid_from', sa.Date(), nullable=True), sa.Column('valid_to', sa.Date(), nullable=True),
            sa.Column('recorded_at', sa.DateTime(), nullable=True),
            sa.Column('closed_at', sa.DateTime(), nullable=True)]


def upgrade():
    with op.batch_alter_table('organization') as batch:
        batch.add_column(sa.Column('founded_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('dissolved_on', sa.Date(), nullable=True))
    with op.batch_alter_table('meeting') as batch:
        batch.add_column(sa.Column('quorum_base', sa.Integer(), nullable=True))
    op.create_table(
        'membership_span',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('branch_id', sa.Integer(), nullable=True),
        sa.Column('party_group_id', sa.Integer(), nullable=True),
        sa.Column('category', sa.String(length=24), nullable=False),
        sa.Column('status', sa.String(length=24), nullable=False),
        *_span_columns(),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], name='fk_membership_span_person_id_person'),
        sa.ForeignKeyConstraint(['branch_id'], ['organization.id'],
                                name='fk_membership_span_branch_id_organization'),
        sa.ForeignKeyConstraint(['party_group_id'], ['organization.id'],
                                name='fk_membership_span_party_group_id_organization'),
        sa.PrimaryKeyConstraint('id', name='pk_membership_span'))
    op.create_index('ix_membership_span_person_id', 'membership_span', ['person_id'])
    op.create_index('ix_membership_span_branch', 'membership_span', ['branch_id', 'valid_from'])
    op.create_table(
        'committee_span',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('branch_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        *_span_columns(),
        sa.ForeignKeyConstraint(['branch_id'], ['organization.id'],
                                name='fk_committee_span_branch_id_organization'),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], name='fk_committee_span_person_id_person'),
        sa.PrimaryKeyConstraint('id', name='pk_committee_span'))
    op.create_index('ix_committee_span_person_id', 'committee_span', ['person_id'])
    op.create_index('ix_committee_span_branch', 'committee_span', ['branch_id', 'valid_from'])
    op.create_table(
        'meeting_fact_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.Column('type_id', sa.Integer(), nullable=True),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('party_group_id', sa.Integer(), nullable=True),
        sa.Column('campaign_id', sa.Integer(), nullable=True),
        sa.Column('starts_at', sa.DateTime(), nullable=False),
        sa.Column('ends_at', sa.DateTime(), nullable=False),
        sa.Column('status', sa.String(length=24), nullable=False),
        sa.Column('attributed_year', sa.Integer(), nullable=False),
        sa.Column('attendance_recorded', sa.Boolean(), nullable=False),
        sa.Column('quorum_met', sa.Boolean(), nullable=True),
        sa.Column('minutes_final', sa.Boolean(), nullable=False),
        sa.Column('minutes_late', sa.Boolean(), nullable=False),
        sa.Column('minutes_final_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name='fk_meeting_fact_version_meeting_id_meeting'),
        sa.ForeignKeyConstraint(['type_id'], ['meeting_type.id'],
                                name='fk_meeting_fact_version_type_id_meeting_type'),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                                name='fk_meeting_fact_version_organization_id_organization'),
        sa.ForeignKeyConstraint(['party_group_id'], ['organization.id'],
                                name='fk_meeting_fact_version_party_group_id_organization'),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'],
                                name='fk_meeting_fact_version_campaign_id_campaign'),
        sa.PrimaryKeyConstraint('id', name='pk_meeting_fact_version'))
    op.create_index('ix_meeting_fact_version_meeting', 'meeting_fact_version', ['meeting_id', 'version'])
    op.create_index('ix_meeting_fact_version_recorded', 'meeting_fact_version', ['recorded_at'])
    bind = op.get_bind()
    _backfill(bind)
    _backfill_versions(bind)


def _beijing_day(moment):
    if moment is None:
        return None
    if isinstance(moment, str):  # SQLite hands raw SQL its text
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return (moment + BEIJING).date()


def _backfill(bind) -> None:
    for org_id, deactivated_at in bind.execute(sa.text(
            "SELECT id, deactivated_at FROM organization WHERE is_active = :no"), {"no": False}):
        bind.execute(sa.text("UPDATE organization SET dissolved_on = :day WHERE id = :id"),
                     {"day": _beijing_day(deactivated_at), "id": org_id})
    transfers: dict[int, list] = {}
    for row in bind.execute(sa.text(
            "SELECT person_id, from_branch_id, to_branch_id, decided_at FROM transfer "
            "WHERE status = 'accepted' AND decided_at IS NOT NULL ORDER BY decided_at, id")):
        transfers.setdefault(row.person_id, []).append(row)
    spans = []
    for person in bind.execute(sa.text(
            "SELECT id, branch_id, party_group_id, category, status, updated_at FROM person")):
        spans += _person_spans(person, transfers.get(person.id, []))
    if spans:
        bind.execute(sa.text(
            "INSERT INTO membership_span (person_id, branch_id, party_group_id, category, status, "
            "valid_from, valid_to, recorded_at, closed_at) VALUES (:person_id, :branch_id, :party_group_id, "
            ":category, :status, :valid_from, :valid_to, :recorded_at, :closed_at)"), spans)
    bind.execute(sa.text(
        "INSERT INTO committee_span (branch_id, person_id, valid_from) "
        "SELECT branch_id, person_id, since FROM committee_seat"))


def _person_spans(person, moves: list) -> list[dict]:
    """The person's spans, oldest first: one per branch an accepted transfer shows, the last
    one split where someone transferred out of the system left."""
    base = {"person_id": person.id, "category": person.category, "status": person.status}
    spans, start, start_at = [], None, None
    for move in moves:
        day = _beijing_day(move.decided_at)
        spans.append({**base, "branch_id": move.from_branch_id, "party_group_id": None, "status": _before(person),
                      "valid_from": start, "valid_to": day, "recorded_at": start_at, "closed_at": move.decided_at})
        start, start_at = day, move.decided_at
    last = {**base, "branch_id": person.branch_id, "party_group_id": person.party_group_id,
            "valid_from": start, "valid_to": None, "recorded_at": start_at, "closed_at": None}
    if person.status == 'transferred_out':
        left = _beijing_day(person.updated_at)
        spans.append({**last, "status": 'active', "valid_to": left, "closed_at": person.updated_at})
        last = {**last, "valid_from": left, "recorded_at": person.updated_at}
    return [*spans, last]


_MEETINGS = sa.text(
    "SELECT m.id, m.organization_id, m.party_group_id, m.campaign_id, m.starts_at, m.ends_at, m.status, "
    "m.attributed_year, m.attendance_recorded_at, m.quorum_met, m.created_at, m.updated_at, "
    "mi.state AS minutes_state, mi.is_late, mi.finalized_at FROM meeting m "
    "LEFT JOIN minutes mi ON mi.meeting_id = m.id ORDER BY m.id")


def _backfill_versions(bind) -> None:
    types: dict[int, list] = {}
    for meeting_id, type_id in bind.execute(sa.text(
            "SELECT meeting_id, meeting_type_id FROM meeting_meeting_type ORDER BY meeting_type_id")):
        types.setdefault(meeting_id, []).append(type_id)
    batch = []
    for meeting in bind.execute(_MEETINGS):
        for version, (moment, facts) in enumerate(_versions(meeting), start=1):
            batch += [{**facts, "meeting_id": meeting.id, "version": version, "recorded_at": moment,
                       "type_id": type_id} for type_id in types.get(meeting.id) or [None]]
        if len(batch) > 5000:
            _insert_versions(bind, batch)
            batch = []
    _insert_versions(bind, batch)


def _versions(m) -> list[tuple]:
    """(recorded_at, facts) oldest first, from the meeting's time stamps."""
    final = m.minutes_state == 'final'
    facts = {"organization_id": m.organization_id, "party_group_id": m.party_group_id,
             "campaign_id": m.campaign_id, "starts_at": m.starts_at, "ends_at": m.ends_at,
             "attributed_year": m.attributed_year, "status": 'scheduled', "attendance_recorded": False,
             "quorum_met": None, "minutes_final": False, "minutes_late": False, "minutes_final_at": None}
    steps = [(m.created_at, dict(facts))]
    if m.attendance_recorded_at is not None:
        facts.update(status='held', attendance_recorded=True, quorum_met=m.quorum_met)
        steps.append((max(m.attendance_recorded_at, steps[-1][0]), dict(facts)))
    if final and m.finalized_at is not None:
        facts.update(minutes_final=True, minutes_late=bool(m.is_late), minutes_final_at=m.finalized_at)
        steps.append((max(m.finalized_at, steps[-1][0]), dict(facts)))
    if m.status != facts["status"]:
        facts.update(status=m.status)
        steps.append((max(m.updated_at, steps[-1][0]), dict(facts)))
    return steps


def _insert_versions(bind, batch: list[dict]) -> None:
    if batch:
        bind.execute(sa.text(
            "INSERT INTO meeting_fact_version (meeting_id, version, recorded_at, type_id, organization_id, "
            "party_group_id, campaign_id, starts_at, ends_at, status, attributed_year, attendance_recorded, "
            "quorum_met, minutes_final, minutes_late, minutes_final_at) VALUES (:meeting_id, :version, "
            ":recorded_at, :type_id, :organization_id, :party_group_id, :campaign_id, :starts_at, :ends_at, "
            ":status, :attributed_year, :attendance_recorded, :quorum_met, :minutes_final, :minutes_late, "
            ":minutes_final_at)"), batch)


def _before(person) -> str:
    return 'active' if person.status == 'transferred_out' else person.status


def downgrade():
    op.drop_index('ix_meeting_fact_version_recorded', table_name='meeting_fact_version')
    op.drop_index('ix_meeting_fact_version_meeting', table_name='meeting_fact_version')
    op.drop_table('meeting_fact_version')
    op.drop_index('ix_committee_span_branch', table_name='committee_span')
    op.drop_index('ix_committee_span_person_id', table_name='committee_span')
    op.drop_table('committee_span')
    op.drop_index('ix_membership_span_branch', table_name='membership_span')
    op.drop_index('ix_membership_span_person_id', table_name='membership_span')
    op.drop_table('membership_span')
    with op.batch_alter_table('meeting') as batch:
        batch.drop_column('quorum_base')
    with op.batch_alter_table('organization') as batch:
        batch.drop_column('dissolved_on')
        batch.drop_column('founded_on')

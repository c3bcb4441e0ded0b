"""The demo's year of organizational life (``seed-demo``), so the 考核 dashboard has a story.

Every demo branch gets the meetings the scale generator would plan for it from January up to
ten days before today (six weeks in the demo branch) — held, now and then cancelled or never
recorded, minutes on time or 补录 — written in bulk through the same generator as
``seed-scale``. The last days keep only the hand-made demo meetings (``demo_meetings``,
``demo_record``), so this month shows at risk and scheduled periods, lagging branches show
missed ones, and members have been absent without leave for months (§31).
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from meetings.domain.scheduling import local_date
from meetings.domain.terms import OrgKind, PersonStatus
from meetings.extensions import db
from meetings.models import CommitteeSeat, MeetingType, Organization, Person
from meetings.seeding.scale import bulk as scale_bulk
from meetings.seeding.scale.data import Branch, Ids, Member, ScaleOptions
from meetings.seeding.scale.rows import BranchYear, YearRows

QUIET_DAYS = 10  # the generated year stops this long before today …
DEMO_BRANCH_QUIET_DAYS = 42  # … and earlier in the demo branch, whose recent weeks are hand-made
DEMO_SEED = 7  # chosen so that branches differ: one lags, most keep up


def seed_year(branches: list[Organization], demo_branch: Organization, now: datetime) -> int:
    """Write the year's past meetings for ``branches`` (the demo branch first); returns how many."""
    ordered = [demo_branch] + [b for b in branches if b.id != demo_branch.id]
    today = local_date(now)
    options, demo_options = (
        ScaleOptions(branches=len(ordered), year=today.year, as_of=today - timedelta(days=days),
                     seed=DEMO_SEED)
        for days in (QUIET_DAYS, DEMO_BRANCH_QUIET_DAYS))
    conn = db.session.connection()
    ids = Ids(scale_bulk.next_ids(conn))
    type_ids = dict(db.session.execute(sa.select(MeetingType.code, MeetingType.id)).all())
    rows = YearRows()
    for index, branch in enumerate(_as_generator_branches(ordered)):
        branch.index = index
        chosen = demo_options if index == 0 else options
        BranchYear(branch, chosen, ids, type_ids, rows).generate(before=chosen.cutoff)
    scale_bulk.BulkWriter(conn).write_year_rows(rows)
    scale_bulk.reset_sequences(conn, ("meeting", "invitation", "minutes", "minutes_revision"))
    return len(rows.meeting)


def _as_generator_branches(branches: list[Organization]) -> list[Branch]:
    """The demo's branches, groups, people and seats in the generator's shapes (three queries)."""
    ids = [b.id for b in branches]
    groups = db.session.execute(sa.select(Organization.parent_id, Organization.id, Organization.name).where(
        Organization.parent_id.in_(ids), Organization.kind == OrgKind.PARTY_GROUP,
        Organization.is_active.is_(True)).order_by(Organization.id)).all()
    seats = dict(db.session.execute(sa.select(CommitteeSeat.person_id, CommitteeSeat.title).where(
        CommitteeSeat.branch_id.in_(ids))).all())
    people = db.session.scalars(sa.select(Person).where(
        Person.branch_id.in_(ids), Person.status != PersonStatus.TRANSFERRED_OUT).order_by(Person.id)).all()
    made = {b.id: Branch(index=0, id=b.id, name=b.name, groups=[]) for b in branches}
    for branch_id, group_id, name in groups:
        made[branch_id].groups.append((group_id, name))
    for person in people:
        made[person.branch_id].members.append(Member(
            id=person.id, name=person.name, group_id=person.party_group_id or 0,
            full=person.is_full_member, status=person.status.value,
            seat=seats[person.id].value if person.id in seats else None))
    return [made[b.id] for b in branches]

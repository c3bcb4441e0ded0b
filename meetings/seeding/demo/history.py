"""The demo's tree and record have a history, so its as-of views tell a story: one party
group was dissolved (撤销) at the start of last month — it still answers for the months
before, and is gone after — one branch was renamed at the start of this month — last
month's 通报 still has its old name — and each meeting is known from when it was planned,
held and 定稿, not from when the demo was seeded."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from meetings.domain.periods import beijing_midnight
from meetings.extensions import db
from meetings.models import MeetingFactVersion, Organization, Person, UnitVersion
from meetings.seeding.scale import history as scale_history
from meetings.services import history, orgs

DISSOLVING_BRANCH = "价格处党支部"
RENAMED_BRANCH, NEW_NAME = "规划处党支部", "发展规划处党支部"


def dissolve_a_group(root: Organization, today: date) -> Organization | None:
    """撤销 the last party group of the demo's 价格处党支部 on the first day of last month; its
    members join the branch's first group that day."""
    branch = next((b for b in orgs.branches_under(root) if b.name == DISSOLVING_BRANCH), None)
    groups = orgs.party_groups(branch) if branch is not None else []
    if len(groups) < 2:
        return None
    day = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    kept, dissolved = groups[0], groups[-1]
    members = list(db.session.scalars(sa.select(Person).where(Person.party_group_id == dissolved.id)))
    with history.backdated(day):
        orgs.deactivate(None, dissolved)
        dissolved.deactivated_at = beijing_midnight(day)  # recorded that morning, as-of views see it
        for person in members:
            person.party_group_id = kept.id
        db.session.flush()
    return dissolved


def rename_a_branch(root: Organization, today: date, now: datetime) -> Organization | None:
    """Rename the demo's 规划处党支部 as of the first day of this month (a 机构改革)."""
    branch = next((b for b in orgs.branches_under(root) if b.name == RENAMED_BRANCH), None)
    if branch is None:
        return None
    orgs.rename(None, branch, NEW_NAME, now)
    db.session.flush()  # the new version opens now; the demo dates it to the 1st
    since = beijing_midnight(today.replace(day=1))
    v = UnitVersion.__table__
    mine = v.c.organization_id == branch.id
    db.session.execute(v.update().where(mine, v.c.closed_at.is_not(None)).values(closed_at=since))
    db.session.execute(v.update().where(mine, v.c.closed_at.is_(None)).values(recorded_at=since))
    return branch


def date_the_record(root: Organization) -> None:
    """Rebuild the versions of the demo's meetings from their time stamps: the hand-made ones
    were written by the services just now, the year's bulk ones by plain INSERTs."""
    db.session.flush()
    ids = [b.id for b in orgs.branches_under(root)]
    db.session.execute(sa.delete(MeetingFactVersion).where(MeetingFactVersion.organization_id.in_(ids)))
    scale_history.write_versions(db.session.connection(), ids)

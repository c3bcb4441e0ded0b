"""Meetings as the engine sees them (``MeetingFacts``), read in two statements whatever the count.

Used wherever the pure engine runs on a handful of meetings: a branch's drill-down and
to-do, a campaign's branches, alerts. The dashboard aggregates in SQL instead.
"""
from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from meetings.domain.compliance import MeetingFacts, Rule, Unit
from meetings.domain.terms import MinutesState, OrgKind
from meetings.extensions import db
from meetings.models import CommitteeSeat, Meeting, Minutes, Organization
from meetings.models.meeting import meeting_meeting_type

_COLUMNS = (Meeting.id, Meeting.organization_id, Meeting.party_group_id, Meeting.starts_at,
            Meeting.ends_at, Meeting.status, Meeting.attributed_year, Meeting.attendance_recorded_at,
            Meeting.quorum_met, Meeting.campaign_id, Minutes.state, Minutes.is_late, Minutes.finalized_at)


def load(*conditions) -> list[MeetingFacts]:
    """The facts of every meeting matching ``conditions`` (on ``Meeting`` columns)."""
    rows = db.session.execute(sa.select(*_COLUMNS).outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
                              .where(*conditions).order_by(Meeting.starts_at, Meeting.id)).all()
    types: dict[int, set[int]] = defaultdict(set)
    if rows:
        ids = sa.select(Meeting.id).where(*conditions).scalar_subquery()
        link = meeting_meeting_type.c
        for meeting_id, type_id in db.session.execute(
                sa.select(link.meeting_id, link.meeting_type_id).where(link.meeting_id.in_(ids))):
            types[meeting_id].add(type_id)
    return [_facts(row, frozenset(types[row.id])) for row in rows]


def _facts(row, type_ids: frozenset[int]) -> MeetingFacts:
    final = row.state == MinutesState.FINAL
    return MeetingFacts(
        id=row.id, organization_id=row.organization_id, party_group_id=row.party_group_id,
        type_ids=type_ids, starts_at=row.starts_at, ends_at=row.ends_at, status=row.status,
        attributed_year=row.attributed_year, attendance_recorded=row.attendance_recorded_at is not None,
        quorum_met=row.quorum_met, minutes_final=final, minutes_late=bool(final and row.is_late),
        minutes_final_at=row.finalized_at if final else None, campaign_id=row.campaign_id)


def units_of(branch: Organization) -> list[Unit]:
    """The branch and its active party groups, as the engine binds rules to them."""
    has_committee = db.session.scalar(
        sa.select(sa.func.count(CommitteeSeat.id)).where(CommitteeSeat.branch_id == branch.id)) > 0
    groups = db.session.scalars(sa.select(Organization.id).where(
        Organization.parent_id == branch.id, Organization.kind == OrgKind.PARTY_GROUP,
        Organization.is_active)).all()
    return [Unit(branch.id, OrgKind.BRANCH, has_committee)] + [Unit(g, OrgKind.PARTY_GROUP) for g in groups]


def of_branch(branch: Organization, rules: list[Rule] | None = None) -> list[MeetingFacts]:
    """Every meeting of one branch (its party groups' included: they are the branch's rows)."""
    conditions = [Meeting.organization_id == branch.id]
    if rules is not None:
        conditions.append(Meeting.id.in_(sa.select(meeting_meeting_type.c.meeting_id).where(
            meeting_meeting_type.c.meeting_type_id.in_({r.type_id for r in rules}))))
    return load(*conditions)

"""Meetings as the engine sees them (``MeetingFacts``), read in one statement whatever the count.

Used wherever the pure engine runs on a handful of meetings: a branch's drill-down and
to-do, a campaign's branches, alerts. The dashboard aggregates in SQL instead.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings.domain import history as domain_history
from meetings.domain.compliance import MeetingFacts, Rule, Unit
from meetings.domain.terms import MinutesState, OrgKind
from meetings.extensions import db
from meetings.models import Meeting, MeetingFactVersion, Minutes, Organization
from meetings.models.meeting import meeting_meeting_type
from meetings.services import fact_versions, history, unit_versions

_COLUMNS = (Meeting.id, Meeting.organization_id, Meeting.party_group_id, Meeting.starts_at,
            Meeting.ends_at, Meeting.status, Meeting.attributed_year, Meeting.attendance_recorded_at,
            Meeting.quorum_met, Meeting.campaign_id, Minutes.state, Minutes.is_late, Minutes.finalized_at)


def load(*conditions) -> list[MeetingFacts]:
    """The facts of every meeting matching ``conditions`` (on ``Meeting`` columns): one row per
    (meeting, type), folded here — pages that show a branch's to-do have few statements to spare."""
    link = meeting_meeting_type.c
    rows = db.session.execute(
        sa.select(*_COLUMNS, link.meeting_type_id).outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
        .outerjoin(meeting_meeting_type, link.meeting_id == Meeting.id)
        .where(*conditions).order_by(Meeting.starts_at, Meeting.id)).all()
    types: dict[int, set[int]] = defaultdict(set)
    first: dict[int, object] = {}
    for row in rows:
        first.setdefault(row.id, row)
        if row.meeting_type_id is not None:
            types[row.id].add(row.meeting_type_id)
    return [_facts(row, frozenset(types[meeting_id])) for meeting_id, row in first.items()]


def _facts(row, type_ids: frozenset[int]) -> MeetingFacts:
    final = row.state == MinutesState.FINAL
    return MeetingFacts(
        id=row.id, organization_id=row.organization_id, party_group_id=row.party_group_id,
        type_ids=type_ids, starts_at=row.starts_at, ends_at=row.ends_at, status=row.status,
        attributed_year=row.attributed_year, attendance_recorded=row.attendance_recorded_at is not None,
        quorum_met=row.quorum_met, minutes_final=final, minutes_late=bool(final and row.is_late),
        minutes_final_at=row.finalized_at if final else None, campaign_id=row.campaign_id)


def named_units(branch: Organization, moment: datetime | None = None) -> list[tuple[Unit, str]]:
    """The branch and its party groups as the engine binds rules to them, with their names:
    dissolved groups too, each with when it existed and the branch with when it had a
    支部委员会, as recorded by ``moment`` (three statements)."""
    rows = db.session.scalars(sa.select(Organization).where(
        sa.or_(Organization.id == branch.id,
               sa.and_(Organization.parent_id == branch.id, Organization.kind == OrgKind.PARTY_GROUP)))
        .order_by(Organization.depth, Organization.sort_order, Organization.id)).all()
    committee = domain_history.committee_spans(*history.tree_spans([branch.id], moment), branch.id)
    # As of a moment, the names then (one more statement); a 撤销 not yet made then is not shown.
    then = unit_versions.places([org.id for org in rows], moment) if moment is not None else {}
    found = []
    for org in rows:
        existence = history.unit_existence(org, moment)
        if existence is None:
            continue
        is_branch = org.kind == OrgKind.BRANCH
        plain = then[org.id].name if org.id in then else org.name
        name = plain if existence.end is None else _("%(name)s（已撤销）", name=plain)
        found.append((Unit(org.id, org.kind, existence=existence, committee=committee if is_branch else ()),
                      name))
    return found


def units_of(branch: Organization, moment: datetime | None = None) -> list[Unit]:
    return [unit for unit, _ in named_units(branch, moment)]


def of_branch(branch: Organization, rules: list[Rule] | None = None,
              as_of: datetime | None = None) -> list[MeetingFacts]:
    """Every meeting of one branch (its party groups' included: they are the branch's rows), as
    they stand or, ``as_of`` a moment, as the engine knew them then."""
    if as_of is not None:
        v = MeetingFactVersion
        conditions = [v.organization_id == branch.id]
        if rules is not None:
            types = {r.type_id for r in rules}
            conditions.append(v.meeting_id.in_(sa.select(v.meeting_id).where(v.type_id.in_(types))))
        return fact_versions.as_of_facts(as_of, *conditions)
    conditions = [Meeting.organization_id == branch.id]
    if rules is not None:
        conditions.append(Meeting.id.in_(sa.select(meeting_meeting_type.c.meeting_id).where(
            meeting_meeting_type.c.meeting_type_id.in_({r.type_id for r in rules}))))
    return load(*conditions)

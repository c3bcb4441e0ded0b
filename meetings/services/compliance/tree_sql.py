"""The tree as it was (domain.history), as SQL conditions for the dashboard's aggregate.

``compliance_sql`` asks, per (unit, slot), whether the rule binds the unit in that period; the
answer depends on when the unit existed and, for the 支委会 rule, whether the branch had a
支部委员会 on the period's first day — both read as recorded by the dashboard's moment, so an
as-of view gives what it gave then. The Python side is ``history.Recorded.as_of`` and
``Rule.binds``; the agreement test holds the two together.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from meetings.domain.history import COMMITTEE_MIN_FULL_MEMBERS, COMMITTEE_MIN_SEATS
from meetings.domain.terms import OrgKind, PersonCategory, PersonStatus
from meetings.models import CommitteeSpan, MembershipSpan, Organization, UnitVersion
from meetings.services import unit_versions


@dataclass(frozen=True)
class Tree:
    """The units as known at ``moment`` (None: now): ``unit`` has the organization table's
    columns, with each unit's parent and path as they were then (``UnitVersion``), and
    ``root_path`` is where the dashboard's root stood (None: not in the tree then)."""

    unit: sa.FromClause
    root_path: str | None
    moment: datetime | None

    @classmethod
    def at(cls, root: Organization, moment: datetime | None) -> Tree:
        if moment is None:
            return cls(Organization.__table__, root.path, None)
        o, v = Organization.__table__, UnitVersion.__table__
        unit = (sa.select(o.c.id, o.c.kind, o.c.founded_on, o.c.dissolved_on, o.c.created_at,
                          o.c.deactivated_at, o.c.is_active, v.c.parent_id, v.c.path)
                .join(v, sa.and_(v.c.organization_id == o.c.id, unit_versions.current_at(moment)))
                .cte("unit"))
        place = unit_versions.places([root.id], moment).get(root.id)
        return cls(unit, place.path if place else None, moment)

    @property
    def c(self):
        return self.unit.c

    def in_subtree(self):
        """The unit lies under the root (``Organization.in_subtree`` on the paths then)."""
        if self.root_path is None:
            return sa.false()
        return sa.and_(self.c.path >= self.root_path, self.c.path < self.root_path[:-1] + "0")

    def branches(self):
        return sa.select(self.c.id).where(self.in_subtree(), self.c.kind == OrgKind.BRANCH)


def existed_throughout(tree: Tree, first_day, last_day):
    """The tree's unit existed on every day of [first_day, last_day], as known at the tree's
    moment (None: as known now)."""
    o, moment = tree.c, tree.moment
    if moment is None:
        founded = sa.or_(o.founded_on.is_(None), o.founded_on <= first_day)
        dissolution_known = o.dissolved_on.is_not(None)
    else:
        founded = sa.or_(o.founded_on.is_(None), sa.and_(o.founded_on <= first_day, o.created_at <= moment))
        dissolution_known = sa.and_(o.dissolved_on.is_not(None),
                                    sa.func.coalesce(o.deactivated_at, moment) <= moment)
    not_dissolved = sa.or_(sa.not_(dissolution_known), o.dissolved_on > last_day)
    dateless_undo = sa.and_(o.is_active.is_(False), o.dissolved_on.is_(None))  # 撤销 with no date: out
    return sa.and_(founded, not_dissolved, sa.not_(dateless_undo))


def _held_on(c, day, moment: datetime | None):
    """The span row held on ``day``, as known at ``moment`` (``Recorded.as_of``; None: now)."""
    if moment is None:
        return sa.and_(sa.or_(c.valid_from.is_(None), c.valid_from <= day),
                       sa.or_(c.valid_to.is_(None), c.valid_to > day))
    return sa.and_(
        sa.or_(c.recorded_at.is_(None), c.recorded_at <= moment),
        sa.or_(c.valid_from.is_(None), c.valid_from <= day),
        sa.or_(c.valid_to.is_(None), c.valid_to > day, sa.func.coalesce(c.closed_at, moment) > moment))


def committee_days(tree: Tree, days: list[date]):
    """CTE (branch_id, day): the branches under the root with a 支部委员会 on each of ``days``.

    Seats and full members are counted per (branch, day) by a join and GROUP BY, not a
    subquery per branch and day: the planner costs those so high that PostgreSQL spends
    seconds compiling the whole dashboard statement (JIT) before it runs it.
    """
    day_rows = [sa.select(sa.literal(d, sa.Date).label("day")) for d in days] or [
        sa.select(sa.literal(date(1970, 1, 1), sa.Date).label("day"))]
    day = sa.union_all(*day_rows).cte("committee_day")
    branches, moment = tree.branches(), tree.moment
    seats = _count_per_day(CommitteeSpan, day, moment, COMMITTEE_MIN_SEATS,
                           CommitteeSpan.branch_id.in_(branches))
    members = _count_per_day(MembershipSpan, day, moment, COMMITTEE_MIN_FULL_MEMBERS,
                             MembershipSpan.branch_id.in_(branches),
                             MembershipSpan.category == PersonCategory.FULL,
                             MembershipSpan.status != PersonStatus.TRANSFERRED_OUT)
    return (sa.select(seats.c.branch_id, seats.c.day)
            .join(members, sa.and_(members.c.branch_id == seats.c.branch_id, members.c.day == seats.c.day))
            .cte("committee_days"))


def _count_per_day(model, day, moment: datetime | None, at_least: int, *conditions):
    """(branch_id, day) where at least ``at_least`` distinct people held a ``model`` span."""
    return (sa.select(model.branch_id, day.c.day)
            .join(day, _held_on(model, day.c.day, moment))
            .where(*conditions)
            .group_by(model.branch_id, day.c.day)
            .having(sa.func.count(sa.distinct(model.person_id)) >= at_least)
            .subquery())


def has_committee(tree: Tree, committees, day):
    """The tree's unit (a branch) had a 支部委员会 on ``day`` (a slot's first day)."""
    c = committees.c
    return sa.exists().where(c.branch_id == tree.c.id, c.day == day)

"""The compliance engine's rules as one SQL aggregate, for a whole province at once.

``domain.compliance`` judges meetings in Python; this module asks the database the same
question in one statement and gets back only counts: how many (unit, requirement, period)
cells of each status lie under each row of the dashboard. A test holds the two to the same
answers on random data (tests/web/test_compliance_sql.py).

Shape of the statement:
  slots    — one row per (rule, period) with the rule's conditions and the status a period
             with no meeting would have ("fallback": due / at_risk / missed), from Python;
  units    — the branches and party groups in scope, branches with a committee flagged;
  tallies  — per (unit, slot): meetings that count, count late (补录), or are pending;
  cells    — units × the slots that bind them, with their tally, turned into a status;
  result   — cells counted per (display row, requirement, period, status).
Every time comparison is against a UTC constant computed here, so neither database needs
time-zone functions.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa

from meetings.domain import compliance as engine
from meetings.domain.periods import Period, beijing_midnight
from meetings.domain.scheduling import local_date
from meetings.domain.terms import AppliesTo, MeetingStatus, MinutesState, OrgKind
from meetings.models import CommitteeSeat, Meeting, Minutes, Organization
from meetings.models.base import UTCDateTime
from meetings.models.meeting import meeting_meeting_type


class Grouping(StrEnum):
    CHILD = "child"  # one row per direct sub-unit of the scope (the dashboard)
    BRANCH = "branch"  # one row per branch, its party groups folded in (the 通报 export)


@dataclass(frozen=True)
class Slot:
    """One (rule, period) to judge, with what an empty period's status would be today."""

    rule: engine.Rule
    period: Period
    fallback: engine.PeriodStatus

    @property
    def requirement_id(self) -> int:
        return self.rule.requirement_id or self.rule.id


def slots_for(rules: list[engine.Rule], span: Period, now: datetime) -> list[Slot]:
    today = local_date(now)
    return [Slot(rule, period, engine.period_status(engine.Tally(), rule, period, today))
            for rule in rules for period in engine.periods_for(rule, span, today)]


def statement(root: Organization, slots: list[Slot], now: datetime, wait_days: int,
              grouping: Grouping = Grouping.CHILD) -> sa.Select:
    """SELECT row_id, requirement_id, period_key, status, n — see the module docstring."""
    slot = _slots_cte(slots)
    units = _units_cte(root)
    tallies = _tallies_cte(root, slot, slots, now, wait_days)
    cells = _cells(units, slot, tallies).cte("cells")
    row = _display_row(root, cells, grouping)
    query = sa.select(row.label("row_id"), cells.c.requirement_id, cells.c.period_key,
                      cells.c.status, sa.func.count().label("n")).select_from(cells)
    if grouping == Grouping.CHILD and root.kind != OrgKind.BRANCH:
        query = query.join(_CHILD, _child_holds(root, cells))
    return query.group_by(row, cells.c.requirement_id, cells.c.period_key, cells.c.status)


def _slots_cte(slots: list[Slot]):
    """The slots as a UNION ALL of literal rows (a VALUES list, portably typed)."""
    def literal_row(s: Slot):
        start, end = s.period.utc_bounds()
        rule = s.rule
        values = {
            "rule_id": (rule.id, sa.Integer), "requirement_id": (s.requirement_id, sa.Integer),
            "type_id": (rule.type_id, sa.Integer), "applies_to": (str(rule.applies_to), sa.String),
            "period_key": (s.period.key, sa.String), "p_start": (start, UTCDateTime()),
            "p_end": (end, UTCDateTime()), "p_year": (s.period.year, sa.Integer),
            "by_year": (int(rule.by_attributed_year), sa.Integer), "min_count": (rule.min_count, sa.Integer),
            "needs_att": (int(rule.needs_attendance), sa.Integer),
            "needs_quorum": (int(rule.needs_quorum), sa.Integer),
            "needs_min": (int(rule.needs_final_minutes), sa.Integer),
            "fallback": (str(s.fallback), sa.String)}
        return sa.select(*(sa.literal(v, t).label(k) for k, (v, t) in values.items()))
    if not slots:
        raise ValueError("nothing to judge: no requirement in force in this span")
    return sa.union_all(*(literal_row(s) for s in slots)).cte("slots")


def _units_cte(root: Organization):
    has_committee = sa.exists().where(CommitteeSeat.branch_id == Organization.id)
    return (sa.select(Organization.id, Organization.kind, Organization.parent_id, Organization.path,
                      sa.case((has_committee, 1), else_=0).label("has_committee"))
            .where(Organization.in_subtree(root), Organization.is_active.is_(True),
                   Organization.kind.in_([OrgKind.BRANCH, OrgKind.PARTY_GROUP]))
            .cte("units"))


def _tallies_cte(root: Organization, slot, slots: list[Slot], now: datetime, wait_days: int):
    m, mi = Meeting.__table__.c, Minutes.__table__.c
    grace_from = beijing_midnight(local_date(now) - timedelta(days=wait_days))
    ended = m.ends_at <= now
    recorded = sa.and_(m.status == MeetingStatus.HELD,
                       sa.or_(slot.c.needs_att == 0, m.attendance_recorded_at.is_not(None)))
    quorum_ok = sa.or_(slot.c.needs_quorum == 0, m.quorum_met.is_(None), m.quorum_met.is_(True))
    # No minutes row gives NULL, which is not "not final"; 定稿 after ``now`` is not final yet.
    final = sa.and_(sa.func.coalesce(mi.state, "") == MinutesState.FINAL,
                    sa.func.coalesce(mi.finalized_at, now) <= now)
    on_time = sa.and_(final, mi.is_late.is_(False))
    counted = sa.and_(ended, recorded, quorum_ok)
    counts = sa.and_(counted, sa.or_(slot.c.needs_min == 0, on_time))
    counts_late = sa.and_(counted, slot.c.needs_min == 1, final, mi.is_late.is_(True))
    waiting = sa.and_(m.ends_at >= grace_from, sa.or_(
        sa.not_(recorded), sa.and_(quorum_ok, slot.c.needs_min == 1, sa.not_(final))))
    pending = sa.or_(sa.not_(ended), waiting)
    unit = sa.case((slot.c.applies_to == str(AppliesTo.PARTY_GROUP), m.party_group_id),
                   else_=m.organization_id)
    first, last = _meeting_window(slots)
    branches = sa.select(Organization.id).where(
        Organization.in_subtree(root), Organization.kind == OrgKind.BRANCH)
    in_period = sa.or_(sa.and_(slot.c.by_year == 1, m.attributed_year == slot.c.p_year),
                       sa.and_(slot.c.by_year == 0, m.starts_at >= slot.c.p_start,
                               m.starts_at < slot.c.p_end))
    link = meeting_meeting_type.c
    return (sa.select(unit.label("unit_id"), slot.c.rule_id, slot.c.period_key,
                      _count_if(counts, "ok"), _count_if(counts_late, "late"), _count_if(pending, "pending"))
            .select_from(Meeting.__table__)
            .join(meeting_meeting_type, link.meeting_id == m.id)
            .join(slot, sa.and_(slot.c.type_id == link.meeting_type_id, in_period))
            .outerjoin(Minutes.__table__, mi.meeting_id == m.id)
            .where(m.organization_id.in_(branches), m.status != MeetingStatus.CANCELLED,
                   m.starts_at >= first, m.starts_at < last)
            .group_by(unit, slot.c.rule_id, slot.c.period_key)
            .cte("tallies"))


def _count_if(condition, name: str):
    return sa.func.sum(sa.case((condition, 1), else_=0)).label(name)


def _meeting_window(slots: list[Slot]) -> tuple[datetime, datetime]:
    """UTC bounds of every meeting any slot can count: a yearly slot by attributed year takes
    meetings from January of the year to March of the next (DESIGN §5)."""
    starts, ends = [], []
    for s in slots:
        start, end = s.period.utc_bounds()
        starts.append(start)
        ends.append(beijing_midnight(s.period.deadline(s.rule.by_attributed_year) + timedelta(days=1)))
    return min(starts), max(ends)


def _cells(units, slot, tallies) -> sa.Select:
    binds = sa.or_(
        sa.and_(slot.c.applies_to == str(AppliesTo.PARTY_GROUP), units.c.kind == OrgKind.PARTY_GROUP),
        sa.and_(slot.c.applies_to == str(AppliesTo.BRANCH), units.c.kind == OrgKind.BRANCH),
        sa.and_(slot.c.applies_to == str(AppliesTo.BRANCH_WITH_COMMITTEE), units.c.kind == OrgKind.BRANCH,
                units.c.has_committee == 1))
    ok, late, pending = (sa.func.coalesce(tallies.c[name], 0) for name in ("ok", "late", "pending"))
    status = sa.case(
        (ok >= slot.c.min_count, str(engine.PeriodStatus.MET)),
        (ok + late >= slot.c.min_count, str(engine.PeriodStatus.LATE)),
        (ok + late + pending >= slot.c.min_count, str(engine.PeriodStatus.SCHEDULED)),
        else_=slot.c.fallback)
    return (sa.select(units.c.id.label("unit_id"), units.c.kind, units.c.parent_id, units.c.path,
                      slot.c.requirement_id, slot.c.period_key, status.label("status"))
            .select_from(units).join(slot, binds)
            .outerjoin(tallies, sa.and_(tallies.c.unit_id == units.c.id, tallies.c.rule_id == slot.c.rule_id,
                                        tallies.c.period_key == slot.c.period_key)))


_CHILD = sa.orm.aliased(Organization, name="child")


def _display_row(root: Organization, cells, grouping: Grouping):
    if grouping == Grouping.BRANCH:
        return sa.case((cells.c.kind == OrgKind.PARTY_GROUP, cells.c.parent_id), else_=cells.c.unit_id)
    if root.kind == OrgKind.BRANCH:
        return sa.literal(root.id, sa.Integer)
    return _CHILD.id


def _child_holds(root: Organization, cells):
    """Each cell's dashboard row is the direct child of ``root`` whose subtree holds it: a path
    range (as ``Organization.in_subtree``), served by the path index."""
    upper = sa.func.substr(_CHILD.path, 1, sa.func.length(_CHILD.path) - 1).concat("0")
    return sa.and_(_CHILD.parent_id == root.id, cells.c.path >= _CHILD.path, cells.c.path < upper)

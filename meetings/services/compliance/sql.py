"""The compliance engine's rules as one SQL aggregate, for a whole province at once.

``domain.compliance`` judges meetings in Python; this module asks the database the same
question in one statement and gets back only counts: how many (unit, requirement, period)
cells of each status lie under each row of the dashboard. A test holds the two to the same
answers on random data (tests/web/test_compliance_sql.py).

Shape of the statement (a UNION ALL of two aggregates):
  slots       — one row per (rule, period) with the rule's conditions and the status a period
                with no meeting would have ("fallback": due / at_risk / missed), from Python;
  slot_months — (type, Beijing month) → slot for monthly and quarterly slots;
  held        — the (meeting, type) rows in scope and in the span, with their record;
  tallies     — per (unit, slot) that has meetings: how many count, count late (补录), or
                are pending — meetings find their slot by equality, (type, month) or (type,
                attributed year) — turned into a status and counted per row ("tallied");
  bound       — per dashboard row and slot: how many units the rule binds ("bound").
A cell with no meeting at all is never materialized: ``counts`` adds bound − tallied cells
of each (row, slot) with the slot's fallback status. Units × slots would be 600,000 rows for
a province; the two aggregates stay near the number of meetings and of units.

Every time comparison is against a UTC constant computed here, so neither database needs
time-zone functions; a unit's dashboard row is read off its materialized path.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from meetings.domain import compliance as engine
from meetings.domain.periods import Period, beijing_midnight
from meetings.domain.scheduling import local_date
from meetings.domain.terms import AppliesTo, MeetingStatus, MinutesState, OrgKind
from meetings.extensions import db
from meetings.models import Meeting, MeetingFactVersion, Minutes, Organization
from meetings.models.meeting import meeting_meeting_type
from meetings.services import fact_versions
from meetings.services.compliance import tree_sql

TALLIED, BOUND = "tallied", "bound"


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
              grouping: Grouping = Grouping.CHILD, as_of: bool = False) -> sa.CompoundSelect:
    """SELECT part, row_id, requirement_id, period_key, status, n — see the module docstring."""
    slot = _slots_cte(slots)
    tree = tree_sql.Tree.at(root, now if as_of else None)  # as recorded by then, or as known now
    tallies = _tallies_cte(tree, slot, slots, now, wait_days, as_of)
    committees = _committees(tree, slots)
    return sa.union_all(_tallied(root, tree, tallies, committees, grouping),
                        _bound(root, tree, slot, committees, grouping))


def counts(root: Organization, slots: list[Slot], now: datetime, wait_days: int,
           grouping: Grouping = Grouping.CHILD, *,
           as_of: bool = False) -> Iterator[tuple[int, int, str, str, int]]:
    """(row_id, requirement_id, period_key, status, n) for every status that occurs."""
    if not slots:
        return
    fallback = {(s.requirement_id, s.period.key): str(s.fallback) for s in slots}
    tallied: Counter = Counter()
    bound: Counter = Counter()
    for part, row_id, requirement_id, period_key, status, n in db.session.execute(
            statement(root, slots, now, wait_days, grouping, as_of)):
        if part == TALLIED:
            tallied[(row_id, requirement_id, period_key)] += n
            yield row_id, requirement_id, period_key, status, n
        else:
            bound[(row_id, requirement_id, period_key)] += n
    for key, n in bound.items():
        empty = n - tallied[key]  # units the rule binds that held no meeting for it at all
        if empty:
            yield (*key, fallback[key[1:]], empty)


def _slots_cte(slots: list[Slot]):
    """The slots as a UNION ALL of literal rows (a VALUES list, portably typed)."""
    def literal_row(s: Slot):
        rule = s.rule
        return _literal_row({
            "rule_id": (rule.id, sa.Integer), "requirement_id": (s.requirement_id, sa.Integer),
            "type_id": (rule.type_id, sa.Integer), "applies_to": (str(rule.applies_to), sa.String),
            "period_key": (s.period.key, sa.String), "p_year": (s.period.year, sa.Integer),
            "first_day": (s.period.first_day, sa.Date), "last_day": (s.period.last_day, sa.Date),
            "by_year": (int(rule.by_attributed_year), sa.Integer), "min_count": (rule.min_count, sa.Integer),
            "needs_att": (int(rule.needs_attendance), sa.Integer),
            "needs_quorum": (int(rule.needs_quorum), sa.Integer),
            "needs_min": (int(rule.needs_final_minutes), sa.Integer),
            "fallback": (str(s.fallback), sa.String)})
    if not slots:
        raise ValueError("nothing to judge: no requirement in force in this span")
    return sa.union_all(*(literal_row(s) for s in slots)).cte("slots")


def _slot_months_cte(slots: list[Slot]):
    """(type, Beijing month) → slot, for the slots judged by calendar month or quarter, so a
    meeting finds its slot by equality (a hash join) rather than by a range per slot."""
    rows = [_literal_row({"type_id": (s.rule.type_id, sa.Integer), "month_idx": (month, sa.Integer),
                          "rule_id": (s.rule.id, sa.Integer), "period_key": (s.period.key, sa.String)})
            for s in slots if not s.rule.by_attributed_year for month in _months(s.period)]
    if not rows:  # only yearly slots: a row that matches no meeting keeps the SQL valid
        rows = [_literal_row({"type_id": (-1, sa.Integer), "month_idx": (-1, sa.Integer),
                              "rule_id": (-1, sa.Integer), "period_key": ("", sa.String)})]
    return sa.union_all(*rows).cte("slot_months")


def _literal_row(values: dict):
    return sa.select(*(sa.literal(v, t).label(k) for k, (v, t) in values.items()))


def _months(period: Period) -> list[int]:
    """Month indexes (year × 12 + month − 1) of the period's months."""
    first = period.first_day
    last = period.last_day
    return list(range(first.year * 12 + first.month - 1, last.year * 12 + last.month))


class beijing_month(FunctionElement):
    """Month index (year × 12 + month − 1) of a stored UTC time on Beijing's calendar.

    Beijing has kept UTC+8 without summer time since 1991 (the VTIMEZONE we publish has one
    STANDARD block), so the shift is a constant: no time-zone tables are needed in SQL.
    """

    type = sa.Integer()
    inherit_cache = True


@compiles(beijing_month)
def _beijing_month_sqlite(element, compiler, **kw):
    moment = compiler.process(next(iter(element.clauses)), **kw)
    shifted = f"strftime('%Y %m', {moment}, '+8 hours')"
    return (f"(CAST(substr({shifted}, 1, 4) AS INTEGER) * 12 + CAST(substr({shifted}, 6, 2) AS INTEGER) - 1)")


@compiles(beijing_month, "postgresql")
def _beijing_month_postgresql(element, compiler, **kw):
    moment = compiler.process(next(iter(element.clauses)), **kw)
    shifted = f"({moment} + INTERVAL '8 hours')"
    return f"CAST(EXTRACT(YEAR FROM {shifted}) * 12 + EXTRACT(MONTH FROM {shifted}) - 1 AS INTEGER)"


def _binds(tree: tree_sql.Tree, columns, committees):
    """The rule of the slot in ``columns`` binds the tree's unit in the slot's period: it
    existed throughout, and the 支委会 rule only while the branch had a committee."""
    kind, applies_to = tree.c.kind, columns.applies_to
    return sa.and_(tree_sql.existed_throughout(tree, columns.first_day, columns.last_day), sa.or_(
        sa.and_(applies_to == str(AppliesTo.PARTY_GROUP), kind == OrgKind.PARTY_GROUP),
        sa.and_(applies_to == str(AppliesTo.BRANCH), kind == OrgKind.BRANCH),
        sa.and_(applies_to == str(AppliesTo.BRANCH_WITH_COMMITTEE), kind == OrgKind.BRANCH,
                tree_sql.has_committee(tree, committees, columns.first_day))))


def _committees(tree: tree_sql.Tree, slots: list[Slot]):
    days = sorted({s.period.first_day for s in slots if s.rule.applies_to == AppliesTo.BRANCH_WITH_COMMITTEE})
    return tree_sql.committee_days(tree, days)


def _tallied(root: Organization, tree: tree_sql.Tree, tallies, committees, grouping: Grouping) -> sa.Select:
    """Cells with meetings, by status, per dashboard row (a unit found by primary key)."""
    t = tallies.c
    status = sa.case(
        (t.ok >= t.min_count, str(engine.PeriodStatus.MET)),
        (t.ok + t.late >= t.min_count, str(engine.PeriodStatus.LATE)),
        (t.ok + t.late + t.pending >= t.min_count, str(engine.PeriodStatus.SCHEDULED)),
        else_=t.fallback)
    row = _row(root, tree, grouping)
    return (sa.select(sa.literal(TALLIED).label("part"), row.label("row_id"), t.requirement_id, t.period_key,
                      status.label("status"), sa.func.count().label("n"))
            .select_from(tallies).join(tree.unit, tree.c.id == t.unit_id)
            .where(tree.in_subtree(), _binds(tree, t, committees))
            .group_by(row, t.requirement_id, t.period_key, status))


def _bound(root: Organization, tree: tree_sql.Tree, slot, committees, grouping: Grouping) -> sa.Select:
    """How many units each slot binds, per dashboard row."""
    row = _row(root, tree, grouping)
    return (sa.select(sa.literal(BOUND).label("part"), row.label("row_id"), slot.c.requirement_id,
                      slot.c.period_key, slot.c.fallback.label("status"), sa.func.count().label("n"))
            .select_from(tree.unit)
            .join(slot, _binds(tree, slot.c, committees))
            .where(tree.in_subtree(), tree.c.kind.in_([OrgKind.BRANCH, OrgKind.PARTY_GROUP]))
            .group_by(row, slot.c.requirement_id, slot.c.period_key, slot.c.fallback))


class path_segment(FunctionElement):
    """The id that follows ``prefix`` in a materialized path: ``/1/7/42/`` after ``/1/`` is 7."""

    type = sa.Integer()
    inherit_cache = True


@compiles(path_segment)
def _path_segment_sqlite(element, compiler, **kw):
    path, start = (compiler.process(c, **kw) for c in element.clauses)
    rest = f"substr({path}, {start})"
    return f"CAST(substr({rest}, 1, instr({rest}, '/') - 1) AS INTEGER)"


@compiles(path_segment, "postgresql")
def _path_segment_postgresql(element, compiler, **kw):
    path, start = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(split_part(substr({path}, {start}), '/', 1) AS INTEGER)"


def _row(root: Organization, tree: tree_sql.Tree, grouping: Grouping):
    """The dashboard row of the tree's unit in the FROM: itself or its branch (export), or
    the direct child of ``root`` it lies under, read off its path."""
    u = tree.c
    if grouping == Grouping.BRANCH:
        return sa.case((u.kind == OrgKind.PARTY_GROUP, u.parent_id), else_=u.id)
    if root.kind == OrgKind.BRANCH:
        return sa.literal(root.id, sa.Integer)
    return path_segment(u.path, sa.literal(len(tree.root_path or "") + 1, sa.Integer))


def _tallies_cte(tree: tree_sql.Tree, slot, slots: list[Slot], now: datetime, wait_days: int, as_of: bool):
    """Per (unit, slot): meetings that count, count late, or are pending (see ``standing``).

    The meetings in scope are read once (``held``), then matched to their slots by equality:
    calendar slots by (type, Beijing month), yearly ones by (type, attributed year).
    """
    held = _versions_cte(tree, slots, now) if as_of else _meetings_cte(tree, slots)
    months = _slot_months_cte(slots)
    by_month = _judged(held, slot, now, wait_days,
                       sa.join(months, slot, sa.and_(slot.c.rule_id == months.c.rule_id,
                                                     slot.c.period_key == months.c.period_key)),
                       sa.and_(months.c.type_id == held.c.type_id, months.c.month_idx == held.c.month_idx))
    by_year = _judged(held, slot, now, wait_days, slot,
                      sa.and_(slot.c.type_id == held.c.type_id, slot.c.by_year == 1,
                              slot.c.p_year == held.c.attributed_year))
    pairs = sa.union_all(by_month, by_year).subquery("judged")
    carried = [pairs.c[name] for name in _CARRIED]
    return (sa.select(pairs.c.unit_id, *carried, sa.func.sum(pairs.c.ok).label("ok"),
                      sa.func.sum(pairs.c.late).label("late"), sa.func.sum(pairs.c.pending).label("pending"))
            .group_by(pairs.c.unit_id, *carried).cte("tallies"))


# The slot's own columns ride along to the cells (they depend on rule_id and period_key),
# so the cells need no join back to the slots.
_CARRIED = ("rule_id", "period_key", "requirement_id", "applies_to", "min_count", "fallback",
            "first_day", "last_day")


def _meetings_cte(tree: tree_sql.Tree, slots: list[Slot]):
    """One row per (meeting, type) in scope and in the span's window, with its record."""
    m, mi, link = Meeting.__table__.c, Minutes.__table__.c, meeting_meeting_type.c
    first, last = _meeting_window(slots)
    return (sa.select(m.organization_id, m.party_group_id, m.ends_at, m.status, m.attributed_year,
                      m.attendance_recorded_at, m.quorum_met, mi.state, mi.finalized_at, mi.is_late,
                      link.meeting_type_id.label("type_id"), beijing_month(m.starts_at).label("month_idx"))
            .select_from(Meeting.__table__)
            .join(meeting_meeting_type, link.meeting_id == m.id)
            .outerjoin(Minutes.__table__, mi.meeting_id == m.id)
            .where(m.organization_id.in_(tree.branches()), m.status != MeetingStatus.CANCELLED,
                   m.starts_at >= first, m.starts_at < last)
            .cte("held"))


def _versions_cte(tree: tree_sql.Tree, slots: list[Slot], moment: datetime):
    """``_meetings_cte`` as the engine knew the meetings at ``moment`` (their newest versions then)."""
    v = MeetingFactVersion
    first, last = _meeting_window(slots)
    newest = fact_versions.newest_as_of(moment)
    final_state = sa.case((v.minutes_final.is_(True), str(MinutesState.FINAL)), else_=None)
    return (sa.select(v.organization_id, v.party_group_id, v.ends_at, v.status, v.attributed_year,
                      sa.case((v.attendance_recorded.is_(True), v.recorded_at), else_=None)
                      .label("attendance_recorded_at"), v.quorum_met, final_state.label("state"),
                      v.minutes_final_at.label("finalized_at"), v.minutes_late.label("is_late"),
                      v.type_id, beijing_month(v.starts_at).label("month_idx"))
            .join(newest, sa.and_(v.meeting_id == newest.c.meeting_id, v.version == newest.c.version))
            .where(v.organization_id.in_(tree.branches()), v.type_id.is_not(None),
                   v.status != MeetingStatus.CANCELLED, v.starts_at >= first, v.starts_at < last)
            .cte("held"))


def _judged(held, slot, now: datetime, wait_days: int, slot_source, matches) -> sa.Select:
    """One row per (meeting, slot it falls in) with 0/1 for counts / counts late / pending."""
    m = held.c
    grace_from = beijing_midnight(local_date(now) - timedelta(days=wait_days))
    ended = m.ends_at <= now
    recorded = sa.and_(m.status == MeetingStatus.HELD,
                       sa.or_(slot.c.needs_att == 0, m.attendance_recorded_at.is_not(None)))
    quorum_ok = sa.or_(slot.c.needs_quorum == 0, m.quorum_met.is_(None), m.quorum_met.is_(True))
    # No minutes row gives NULL, which is not "not final"; 定稿 after ``now`` is not final yet.
    final = sa.and_(sa.func.coalesce(m.state, "") == MinutesState.FINAL,
                    sa.func.coalesce(m.finalized_at, now) <= now)
    on_time = sa.and_(final, m.is_late.is_(False))
    counted = sa.and_(ended, recorded, quorum_ok)
    counts_now = sa.and_(counted, sa.or_(slot.c.needs_min == 0, on_time))
    counts_late = sa.and_(counted, slot.c.needs_min == 1, final, m.is_late.is_(True))
    waiting = sa.and_(m.ends_at >= grace_from, sa.or_(
        sa.not_(recorded), sa.and_(quorum_ok, slot.c.needs_min == 1, sa.not_(final))))
    pending = sa.or_(sa.not_(ended), waiting)
    unit = sa.case((slot.c.applies_to == str(AppliesTo.PARTY_GROUP), m.party_group_id),
                   else_=m.organization_id)
    return (sa.select(unit.label("unit_id"), *(slot.c[name] for name in _CARRIED),
                      _flag(counts_now, "ok"), _flag(counts_late, "late"), _flag(pending, "pending"))
            .select_from(held).join(slot_source, matches))


def _flag(condition, name: str):
    return sa.case((condition, 1), else_=0).label(name)


def _meeting_window(slots: list[Slot]) -> tuple[datetime, datetime]:
    """UTC bounds of every meeting any slot can count: a yearly slot by attributed year takes
    meetings from January of the year to March of the next (DESIGN §5)."""
    starts, ends = [], []
    for s in slots:
        start, _ = s.period.utc_bounds()
        starts.append(start)
        ends.append(beijing_midnight(s.period.deadline(s.rule.by_attributed_year) + timedelta(days=1)))
    return min(starts), max(ends)

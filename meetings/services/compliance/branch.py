"""One branch under the engine: every requirement's periods, and the meetings that decided each.

A branch has a few dozen meetings a year, so the pure engine runs here directly; the
dashboard's SQL aggregate is held to the same answers by tests.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from meetings.domain import compliance as engine
from meetings.domain.compliance import Cell, PeriodStatus
from meetings.domain.periods import Period, parse
from meetings.extensions import db
from meetings.models import Meeting, Organization
from meetings.services import requirements
from meetings.services.compliance import Column, columns_of, wait_days
from meetings.services.compliance import facts as compliance_facts

ATTENTION = (PeriodStatus.AT_RISK, PeriodStatus.DUE, PeriodStatus.MISSED)  # the order of the list


@dataclass
class BranchReport:
    branch: Organization
    span: Period
    now: datetime
    columns: list[Column]
    cells: dict[int, list[Cell]]  # requirement id → its cells (one per unit and period)
    unit_names: dict[int, str]

    def attention(self) -> list[tuple[Column, Cell]]:
        """What is at risk, due or missed: what can still be done first (the soonest deadline
        first), then what was missed (the most recent first)."""
        found = [(c, cell) for c in self.columns for cell in self.cells.get(c.requirement_id, [])
                 if cell.status in ATTENTION]

        def urgency(pair):
            cell = pair[1]
            day = cell.period.last_day.toordinal()
            return ATTENTION.index(cell.status), -day if cell.status == PeriodStatus.MISSED else day
        return sorted(found, key=urgency)


def report(branch: Organization, span: Period, now: datetime, type_id: int | None = None, *,
           earlier: tuple[Period, ...] = (), as_of: bool = False) -> BranchReport:
    """Every cell of ``span`` (and of the ``earlier`` spans, e.g. last year in its grace months)
    in four statements: requirements, units, meetings — and nothing per cell. ``as_of``: the
    meetings and the tree as recorded by ``now``."""
    versions = requirements.all_versions()
    columns = columns_of(versions, type_id)
    wanted = {c.requirement_id for c in columns}
    rules = [r for r in map(requirements.rule_of, versions) if (r.requirement_id or r.id) in wanted]
    named = compliance_facts.named_units(branch, now if as_of else None)
    units = [unit for unit, _ in named]
    cells: dict[int, list[Cell]] = defaultdict(list)
    meetings = compliance_facts.of_branch(branch, rules, now if as_of else None)
    for judged in (*earlier, span):
        for cell in engine.evaluate(rules, units, meetings, judged, now, wait_days()):
            cells[cell.rule.requirement_id or cell.rule.id].append(cell)
    return BranchReport(branch, span, now, columns, dict(cells), {unit.id: name for unit, name in named})


@dataclass
class PeriodDetail:
    column: Column
    cell: Cell
    unit_name: str
    meetings: dict[int, Meeting]


def period_detail(branch: Organization, requirement_id: int, period_key: str, unit_id: int,
                  now: datetime, *, as_of: bool = False) -> PeriodDetail | None:
    """One cell of the branch with its meetings, or None when no such cell exists."""
    period = parse(period_key)
    found = report(branch, period, now, as_of=as_of)
    column = next((c for c in found.columns if c.requirement_id == requirement_id), None)
    cell = next((c for c in found.cells.get(requirement_id, [])
                 if c.period.key == period.key and c.unit_id == unit_id), None)
    if column is None or cell is None:
        return None
    ids = [mid for mid, _ in cell.meetings]
    found_meetings = db.session.scalars(sa.select(Meeting).where(Meeting.id.in_(ids))) if ids else []
    meetings = {m.id: m for m in found_meetings}
    return PeriodDetail(column, cell, found.unit_names.get(unit_id, ""), meetings)

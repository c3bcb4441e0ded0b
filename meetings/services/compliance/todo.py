"""A branch's to-do (待办): what is due, at risk or recently missed, for its secretary's desk."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from meetings.domain.compliance import Cell, PeriodStatus
from meetings.domain.periods import Period, days_left
from meetings.domain.scheduling import LAST_MONTH_FOR_PREVIOUS_YEAR, local_date
from meetings.domain.terms import PeriodKind
from meetings.models import Organization
from meetings.services.compliance import Column
from meetings.services.compliance import branch as compliance_branch

# A missed period stays on the list this long; after that the dashboard keeps it.
MISSED_SHOWN_FOR = timedelta(days=31)
ORDER = (PeriodStatus.AT_RISK, PeriodStatus.MISSED, PeriodStatus.DUE)


@dataclass(frozen=True)
class TodoItem:
    column: Column
    cell: Cell
    unit_name: str  # the party group's name for a 党小组会, else ""
    days_left: int

    @property
    def status(self) -> PeriodStatus:
        return self.cell.status


def branch_todo(branch: Organization, now: datetime) -> list[TodoItem]:
    """Open and recently missed periods of this year (and of last year during January–March,
    when its 组织生活会 may still be held), the most urgent first."""
    today = local_date(now)
    in_grace = today.month <= LAST_MONTH_FOR_PREVIOUS_YEAR
    earlier = (Period(PeriodKind.YEAR, today.year - 1),) if in_grace else ()
    found = compliance_branch.report(branch, Period(PeriodKind.YEAR, today.year), now, earlier=earlier)
    items = []
    for column, cell in found.attention():
        deadline = cell.period.deadline(cell.rule.by_attributed_year)
        if cell.status == PeriodStatus.MISSED and deadline < today - MISSED_SHOWN_FOR:
            continue
        name = found.unit_names.get(cell.unit_id, "") if cell.unit_id != branch.id else ""
        left = days_left(cell.period, today, cell.rule.by_attributed_year)
        items.append(TodoItem(column, cell, name, left))
    return sorted(items, key=lambda i: (ORDER.index(i.status), i.days_left))

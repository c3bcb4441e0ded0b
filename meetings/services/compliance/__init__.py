"""The committee dashboard (/compliance): requirement × unit matrix with rates, for one scope.

A fixed number of statements whatever the size of the scope: the requirements, the rows'
units and one aggregate (``compliance_sql``). Everything here works on its few thousand
result rows at most (units × requirements × periods × statuses), never on meetings.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased

from meetings.domain import compliance as engine
from meetings.domain.compliance import PeriodStatus
from meetings.domain.periods import Period, parse
from meetings.domain.scheduling import local_date
from meetings.domain.terms import OrgKind, PeriodKind
from meetings.extensions import db
from meetings.models import Organization, Requirement, UnitVersion
from meetings.services import history, requirements, unit_versions
from meetings.services.compliance import sql as compliance_sql
from meetings.services.compliance.sql import Grouping

OPEN = (PeriodStatus.SCHEDULED, PeriodStatus.DUE, PeriodStatus.AT_RISK)


def wait_days() -> int:
    return current_app.config.get("MINUTES_LATE_DAYS", engine.WAIT_DAYS)


@dataclass
class Counts:
    """Cells by status, and the rate (完成率) the 通报 quotes."""

    by_status: Counter = field(default_factory=Counter)

    def add(self, status: str, n: int = 1) -> None:
        self.by_status[PeriodStatus(status)] += n

    def __iadd__(self, other: Counts) -> Counts:
        self.by_status.update(other.by_status)
        return self

    @property
    def done(self) -> int:
        return sum(self.by_status[s] for s in engine.DONE)

    @property
    def missed(self) -> int:
        return self.by_status[PeriodStatus.MISSED]

    @property
    def late(self) -> int:
        return self.by_status[PeriodStatus.LATE]

    @property
    def at_risk(self) -> int:
        return self.by_status[PeriodStatus.AT_RISK]

    @property
    def open(self) -> int:
        return sum(self.by_status[s] for s in OPEN)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def rate(self) -> float | None:
        return engine.completion_rate(self.done, self.missed)


@dataclass(frozen=True)
class Column:
    """One requirement (all its versions) as a column of the matrix."""

    requirement_id: int
    type_id: int
    type_code: str
    type_name: str
    period: PeriodKind
    per_group: bool


@dataclass
class Row:
    """A unit's row; ``name`` and ``parent_id`` as the dashboard's moment knew them."""

    org: Organization
    name: str
    parent_id: int | None
    cells: dict[int, Counts] = field(default_factory=lambda: defaultdict(Counts))
    total: Counts = field(default_factory=Counts)


@dataclass
class Dashboard:
    root: Organization
    span: Period
    now: datetime
    columns: list[Column]
    rows: list[Row]
    totals: dict[int, Counts]
    total: Counts
    over_time: list[tuple[str, Counts]]

    @property
    def by_unit(self) -> list[tuple[str, Counts]]:
        return [(row.name, row.total) for row in self.rows]


def columns_of(versions: list[Requirement], type_id: int | None = None) -> list[Column]:
    """One column per requirement, named after its newest version's type."""
    columns: dict[int, Column] = {}
    for r in versions:
        if type_id is None or r.meeting_type_id == type_id:
            lineage = r.replaces_id or r.id
            kind = r.meeting_type
            columns[lineage] = Column(lineage, kind.id, kind.code, kind.name, r.period,
                                      per_group=str(r.applies_to) == "party_group")
    return list(columns.values())


def dashboard(root: Organization, span: Period, now: datetime, *, type_id: int | None = None,
              only_missed: bool = False, grouping: Grouping = Grouping.CHILD,
              as_of: bool = False) -> Dashboard:
    """The matrix for ``root``'s direct sub-units (or its branches, for the export); ``as_of``:
    as recorded by ``now`` (later attendance, cancellations, 定稿 and tree changes unseen)."""
    versions = requirements.all_versions()
    columns = columns_of(versions, type_id)
    wanted = {c.requirement_id for c in columns}
    rules = [r for r in map(requirements.rule_of, versions) if (r.requirement_id or r.id) in wanted]
    slots = compliance_sql.slots_for(rules, span, now)
    rows = _rows(root, grouping, now if as_of else None)
    totals: dict[int, Counts] = defaultdict(Counts)
    by_period: dict[str, Counts] = defaultdict(Counts)
    today = local_date(now)
    if slots:
        for row_id, requirement_id, period_key, status, n in compliance_sql.counts(
                root, slots, now, wait_days(), grouping, as_of=as_of):
            if row_id in rows:
                rows[row_id].cells[requirement_id].add(status, n)
                rows[row_id].total.add(status, n)
            totals[requirement_id].add(status, n)
            if _closed_month(period_key, today):
                by_period[_month_of(period_key)].add(status, n)
    kept = [r for r in rows.values() if (r.total.total or _listed_empty(r.org, grouping, now, as_of))
            and (not only_missed or r.total.missed)]
    total = Counts()
    for counts in totals.values():
        total += counts
    return Dashboard(root, span, now, columns, kept, totals, total, sorted(by_period.items()))


def _listed_empty(org: Organization, grouping: Grouping, now: datetime, as_of: bool) -> bool:
    """The 通报 lists a branch that exists but has no period to judge yet (新成立) with empty
    cells, rather than leave it out; the dashboard shows only rows with something judged."""
    if grouping != Grouping.BRANCH:
        return False
    existence = history.unit_existence(org, now if as_of else None)
    return existence is not None and existence.holds_on(local_date(now))


def _rows(root: Organization, grouping: Grouping, moment: datetime | None) -> dict[int, Row]:
    """A row for every unit that may have one — dissolved ones too, for the periods they still
    answer for — named and placed as at ``moment`` (None: now)."""
    if root.kind == OrgKind.BRANCH:
        place = unit_versions.places([root.id], moment).get(root.id)
        return {root.id: Row(root, place.name if place else root.name, root.parent_id)}
    o = Organization
    if moment is None:
        placed, query = o, sa.select(o, o.name, o.parent_id)
    else:
        placed = aliased(UnitVersion, name="placed")
        query = (sa.select(o, placed.name, placed.parent_id)
                 .join(placed, sa.and_(placed.organization_id == o.id,
                                       unit_versions.current_at(moment, placed))))
    if grouping == Grouping.BRANCH:
        root_place = unit_versions.places([root.id], moment).get(root.id)
        if root_place is None:
            return {}
        query = query.where(placed.path >= root_place.path, placed.path < root_place.path[:-1] + "0",
                            o.kind == OrgKind.BRANCH).order_by(placed.path)
    else:
        query = query.where(placed.parent_id == root.id, o.kind != OrgKind.PARTY_GROUP).order_by(
            o.sort_order, o.id)
    return {org.id: Row(org, name, parent_id) for org, name, parent_id in db.session.execute(query)}


def _closed_month(period_key: str, today) -> bool:
    """Only months and quarters that are over go on the "by month" chart: an open period's
    rate counts only what is already done, and a year runs into March of the next."""
    return not period_key.isdigit() and parse(period_key).last_day < today


def _month_of(period_key: str) -> str:
    """The month a period is judged in, for the "over time" chart: its last month."""
    period = parse(period_key)
    return f"{period.year}-{period.last_day.month:02d}"

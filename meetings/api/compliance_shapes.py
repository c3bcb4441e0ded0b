"""The JSON of ``/compliance``: the dashboard's matrix, or a branch's periods, as numbers.

Both read the same services as the pages (``compliance.dashboard`` and
``compliance_branch.report``), so the API and ``/compliance`` cannot disagree.
"""
from __future__ import annotations

from collections import defaultdict

from meetings.api.output import day
from meetings.domain.compliance import PeriodStatus
from meetings.domain.scheduling import local_date
from meetings.services.compliance import Column, Counts, Dashboard
from meetings.services.compliance.branch import BranchReport


def counts(c: Counts) -> dict:
    """Periods by status, with 完成率 = done ÷ (done + missed), null while nothing is decided."""
    by_status = {str(s): c.by_status[s] for s in PeriodStatus}
    return {**by_status, "done": c.done, "open": c.open, "total": c.total, "rate": c.rate}


def column(c: Column) -> dict:
    return {"requirement_id": c.requirement_id,
            "meeting_type": {"id": c.type_id, "code": c.type_code, "name": c.type_name},
            "period": str(c.period), "per_group": c.per_group}


def _cells(columns: list[Column], found: dict[int, Counts]) -> list[dict]:
    return [{"requirement_id": c.requirement_id, **counts(found.get(c.requirement_id) or Counts())}
            for c in columns]


def _common(org, span, now, columns) -> dict:
    return {"organization_id": org.id, "period": span.key, "as_of": day(local_date(now)),
            "columns": [column(c) for c in columns]}


def matrix(board: Dashboard) -> dict:
    """A unit above the branches: one row per direct sub-unit, as on the dashboard."""
    rows = [{"organization_id": row.org.id, "name": row.name, "kind": str(row.org.kind),
             "cells": _cells(board.columns, row.cells), "total": counts(row.total)} for row in board.rows]
    return {**_common(board.root, board.span, board.now, board.columns), "rows": rows,
            "totals": _cells(board.columns, board.totals), "total": counts(board.total), "periods": None}


def branch(report: BranchReport) -> dict:
    """A branch: one row per unit judged (the branch, its party groups), and every period."""
    by_unit: dict[int, dict[int, Counts]] = defaultdict(lambda: defaultdict(Counts))
    totals: dict[int, Counts] = defaultdict(Counts)
    periods = []
    for requirement_id, cells in report.cells.items():
        for cell in cells:
            by_unit[cell.unit_id][requirement_id].add(cell.status)
            totals[requirement_id].add(cell.status)
            periods.append({"requirement_id": requirement_id, "organization_id": cell.unit_id,
                            "period": cell.period.key, "status": str(cell.status),
                            "meetings": [{"id": mid, "standing": str(s)} for mid, s in cell.meetings]})
    rows = []
    for unit_id, name in report.unit_names.items():
        if unit_id in by_unit:
            total = Counts()
            for c in by_unit[unit_id].values():
                total += c
            rows.append({"organization_id": unit_id, "name": name,
                         "kind": "branch" if unit_id == report.branch.id else "party_group",
                         "cells": _cells(report.columns, by_unit[unit_id]), "total": counts(total)})
    total = Counts()
    for c in totals.values():
        total += c
    return {**_common(report.branch, report.span, report.now, report.columns), "rows": rows,
            "totals": _cells(report.columns, totals), "total": counts(total), "periods": periods}

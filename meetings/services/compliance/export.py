"""The 通报 export: one row per branch of a scope, a column per requirement, with rates."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from meetings.domain import report_table
from meetings.domain.periods import Period
from meetings.domain.scheduling import local_date
from meetings.models import Organization
from meetings.services import compliance, unit_versions
from meetings.services.compliance import Counts
from meetings.services.compliance.sql import Grouping


@dataclass
class Report:
    title: str
    header: list[str]
    rows: list[list]
    percent_columns: set[int]

    def xlsx(self) -> bytes:
        return report_table.to_xlsx(self.title, self.header, self.rows, self.percent_columns)

    def csv(self) -> bytes:
        return report_table.to_csv(self.header, self.rows, self.percent_columns)


def report(root: Organization, span: Period, now: datetime, type_id: int | None = None, *,
           as_of: bool = False) -> Report:
    """The 通报 of ``root`` for ``span`` at ``now`` (``as_of``: as recorded by then)."""
    board = compliance.dashboard(root, span, now, type_id=type_id, grouping=Grouping.BRANCH, as_of=as_of)
    named = unit_versions.places({root.id} | {row.parent_id for row in board.rows}, now if as_of else None)
    header = [_("序号"), _("上级单位"), _("党支部")] + [c.type_name for c in board.columns]
    header += [_("已完成"), _("未完成"), _("临期未安排"), _("完成率"), _("未完成事项")]
    first_rate = 3
    percent = set(range(first_rate, first_rate + len(board.columns))) | {len(header) - 2}
    rows = []
    for number, row in enumerate(board.rows, start=1):
        cells = [row.cells.get(c.requirement_id) or Counts() for c in board.columns]
        missing = "、".join(f"{c.type_name}×{counts.missed}"
                           for c, counts in zip(board.columns, cells, strict=True) if counts.missed)
        parent = named.get(row.parent_id)
        rows.append([number, parent.name if parent else "", row.name,
                     *(counts.rate for counts in cells),
                     row.total.done, row.total.missed, row.total.at_risk, row.total.rate, missing])
    title = _("%(scope)s组织生活完成情况通报（%(period)s，截至%(day)s）", scope=_name(named, root),
              period=span.key, day=local_date(now).isoformat())
    return Report(title, header, rows, percent)



def _name(named: dict[int, unit_versions.Place], org: Organization) -> str:
    place = named.get(org.id)
    return place.name if place else org.name

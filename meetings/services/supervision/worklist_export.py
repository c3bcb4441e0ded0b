"""The work list as an XLSX sheet: every listed row, in the order the page shows them."""
from __future__ import annotations

from flask_babel import gettext as _

from meetings.domain import report_table
from meetings.domain.scheduling import local_date
from meetings.domain.worklist import Item, WorkRow
from meetings.services.supervision.worklist import WorkList


def header() -> list[str]:
    return [_("排名"), _("上级单位"), _("党支部"), _("完成率"), _("已完成"), _("未完成"), _("临期未安排"),
            _("专项行动逾期"), _("纪要逾期未定稿"), _("未完成事项"), _("临期事项"), _("逾期的专项行动")]


def to_xlsx(found: WorkList, rows: list[WorkRow]) -> bytes:
    title = _("%(scope)s督导工作台（%(period)s，截至%(day)s）", scope="、".join(r.name for r in found.roots),
              period=found.span.key, day=local_date(found.now).isoformat())
    lines = [[row.rank or None, row.parent_name, row.name, row.rate, row.done, row.missed, row.at_risk,
              len(row.overdue_campaigns), row.minutes_waiting, _items(row.missed_items),
              _items(row.at_risk_items), "、".join(i.label for i in row.overdue_campaigns)] for row in rows]
    return report_table.to_xlsx(title, header(), lines, {3}, sheet_name=_("督导工作台"))


def _items(items: list[Item]) -> str:
    return "、".join(f"{i.label}×{i.count}" for i in items)

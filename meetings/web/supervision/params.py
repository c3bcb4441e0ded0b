"""The work list's query string, read without trusting it.

Anything unreadable falls back to its default and says so, instead of failing the page.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _

from meetings.domain.periods import Period
from meetings.domain.scheduling import local_date
from meetings.domain.worklist import SortKey, default_direction
from meetings.web.compliance.params import read_span
from meetings.web.util import id_arg

MAX_NEEDLE = 60
MAX_PAGE = 10_000


@dataclass
class Query:
    span: Period
    org_id: int | None = None
    sort: SortKey = SortKey.RATE
    reverse: bool = False
    needle: str = ""
    only_lagging: bool = False
    page: int = 1
    problems: list[str] = field(default_factory=list)

    def args(self, **changes) -> dict:
        """The query string of this view with ``changes``, for links that keep the filters."""
        values = {"org": self.org_id, "period": self.span.key,
                  "sort": None if self.sort == SortKey.RATE else str(self.sort),
                  "dir": self.direction if self.reverse else None, "q": self.needle or None,
                  "only": "lagging" if self.only_lagging else None,
                  "page": self.page if self.page > 1 else None, **changes}
        return {k: v for k, v in values.items() if v not in (None, "")}

    @property
    def direction(self) -> str:
        """``asc`` or ``desc``: the way the sorted column's values run on this page."""
        natural = default_direction(self.sort)
        return ({"asc", "desc"} - {natural}).pop() if self.reverse else natural

    def sorted_by(self, key: SortKey) -> dict:
        """Link of a column header: sort by it (worst first); again, the other way round."""
        reverse = not self.reverse if key == self.sort else False
        natural = default_direction(key)
        return self.args(sort=None if key == SortKey.RATE and not reverse else str(key),
                         dir=({"asc", "desc"} - {natural}).pop() if reverse else None, page=None)


def read(args, now: datetime) -> Query:
    problems: list[str] = []
    today = local_date(now)
    span = read_span(args.get("period"), today, problems)
    query = Query(span, org_id=id_arg(args, "org"), problems=problems)
    if args.get("org") and query.org_id is None:
        problems.append(_("单位无法识别，已显示您督导的全部单位。"))
    _sort(query, args.get("sort", ""), args.get("dir", ""))
    _needle(query, args.get("q", "").strip())
    query.only_lagging = args.get("only") == "lagging"
    _page(query, args.get("page", ""))
    return query


def _sort(query: Query, raw: str, direction: str) -> None:
    if raw:
        try:
            query.sort = SortKey(raw)
        except ValueError:
            query.problems.append(_("无法按“%(key)s”排序，已按完成率排序。", key=raw[:20]))
    if direction and direction not in ("asc", "desc"):
        query.problems.append(_("排序方向只能是 asc（从小到大）或 desc（从大到小），已按默认方向。"))
        return
    query.reverse = bool(direction) and direction != default_direction(query.sort)


def _needle(query: Query, text: str) -> None:
    if len(text) > MAX_NEEDLE or any(ord(ch) < 32 for ch in text):
        query.problems.append(_("单位名称不超过 %(n)s 个字，已忽略该条件。", n=MAX_NEEDLE))
        return
    query.needle = text


def _page(query: Query, raw: str) -> None:
    if not raw:
        return
    if not raw.isdecimal() or not 1 <= int(raw) <= MAX_PAGE:
        query.problems.append(_("页码无法识别，已显示第 1 页。"))
        return
    query.page = int(raw)

"""The dashboard's query string: scope, period, as-of date and filters, read without trusting it.

Anything unreadable falls back to its default and says so, instead of failing the page.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask_babel import gettext as _

from meetings.domain.periods import Period, PeriodError, parse
from meetings.domain.scheduling import BEIJING, local_date
from meetings.domain.terms import PeriodKind
from meetings.web.util import id_arg

FIRST_YEAR = 2018  # 支部工作条例(试行): nothing is judged before it


@dataclass
class Query:
    span: Period
    as_of: date
    now: datetime
    type_id: int | None = None
    only_missed: bool = False
    problems: list[str] = field(default_factory=list)
    past: bool = False  # a date before today: read what had been recorded by then, not today's rows

    def args(self, **changes) -> dict:
        """The query string of this view, with ``changes``, for links that keep the filters."""
        values = {"period": self.span.key, "as_of": self.as_of.isoformat(), "type": self.type_id,
                  "only": "missed" if self.only_missed else None, **changes}
        return {k: v for k, v in values.items() if v not in (None, "")}


def read(args, now: datetime) -> Query:
    """Read ``period``, ``as_of``, ``type`` and ``only`` from the request's arguments."""
    problems: list[str] = []
    today = local_date(now)
    as_of = _as_of(args.get("as_of"), today, problems)
    moment = now if as_of == today else datetime.combine(as_of, time(23, 59, 59), tzinfo=BEIJING)
    span = read_span(args.get("period"), as_of, problems)
    type_id = id_arg(args, "type")
    return Query(span, as_of, moment, type_id, args.get("only") == "missed", problems, past=as_of != today)


def _as_of(raw: str | None, today: date, problems: list[str]) -> date:
    if not raw:
        return today
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        problems.append(_("“截至日期”无法识别，已按今天显示。"))
        return today
    if not date(FIRST_YEAR, 1, 1) <= day <= today:
        problems.append(_("“截至日期”须在 %(first)s 年至今天之间，已按今天显示。", first=FIRST_YEAR))
        return today
    return day


def read_span(raw: str | None, as_of: date, problems: list[str]) -> Period:
    """The period asked for, or this year (with a sentence in ``problems`` saying why)."""
    default = Period(PeriodKind.YEAR, as_of.year)
    if not raw:
        return default
    try:
        span = parse(raw)
    except PeriodError:
        problems.append(_("考核周期无法识别，已按本年度显示。"))
        return default
    if span.year < FIRST_YEAR:
        problems.append(_("只能查看 %(first)s 年以后的考核周期，已按本年度显示。", first=FIRST_YEAR))
        return default
    if span.first_day > as_of:
        problems.append(_("所选周期尚未开始，已按本年度显示。"))
        return default
    return span


def period_choices(year: int) -> list[tuple[str, str]]:
    """The selector's options for one year: the year, its quarters, its months."""
    choices = [(str(year), _("%(year)s 年全年", year=year))]
    choices += [(f"{year}-Q{q}", _("%(year)s 年第 %(q)s 季度", year=year, q=q)) for q in range(1, 5)]
    choices += [(f"{year}-{m:02d}", _("%(year)s 年 %(m)s 月", year=year, m=m)) for m in range(1, 13)]
    return choices

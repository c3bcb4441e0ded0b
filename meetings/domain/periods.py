"""Compliance periods (考核周期): months, quarters and years on Beijing calendar dates.

A period is a plain value with its first and last day; its UTC bounds are what SQL
compares ``meeting.starts_at`` with, so no database needs time-zone functions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from meetings.domain.scheduling import BEIJING, LAST_MONTH_FOR_PREVIOUS_YEAR
from meetings.domain.terms import PeriodKind

AT_RISK_DAYS = 14  # fewer days left than this with nothing scheduled: 临期
_MONTHS_IN = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}
_KEY = re.compile(r"^(\d{4})(?:-(?:(\d{2})|Q([1-4])))?$")


class PeriodError(ValueError):
    """A period written in a way we cannot read (e.g. ``2026-13`` or ``2026-Q5``)."""


@dataclass(frozen=True, order=True)
class Period:
    """One month, quarter or year; ``index`` is the month (1–12) or quarter (1–4)."""

    kind: PeriodKind
    year: int
    index: int = 1

    @property
    def key(self) -> str:
        """``2026-03``, ``2026-Q1`` or ``2026``: the form used in URLs and exports."""
        if self.kind == PeriodKind.MONTH:
            return f"{self.year}-{self.index:02d}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.year}-Q{self.index}"
        return str(self.year)

    @property
    def first_day(self) -> date:
        return date(self.year, self._first_month, 1)

    @property
    def last_day(self) -> date:
        return _month_end(self.year, self._first_month + _MONTHS_IN[self.kind] - 1)

    @property
    def _first_month(self) -> int:
        if self.kind == PeriodKind.MONTH:
            return self.index
        if self.kind == PeriodKind.QUARTER:
            return 3 * self.index - 2
        return 1

    def deadline(self, by_attributed_year: bool = False) -> date:
        """The last day a meeting may be held for this period.

        A yearly meeting counted by its attributed year (组织生活会, 民主评议) may still be
        held in January–March of the next year.
        """
        if by_attributed_year and self.kind == PeriodKind.YEAR:
            return _month_end(self.year + 1, LAST_MONTH_FOR_PREVIOUS_YEAR)
        return self.last_day

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[start, end) in UTC of the period's Beijing days."""
        return beijing_midnight(self.first_day), beijing_midnight(self.last_day + timedelta(days=1))

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def subperiods(self, kind: PeriodKind) -> list[Period]:
        """The periods of ``kind`` that begin inside this one (the months of a quarter …)."""
        if _MONTHS_IN[kind] >= _MONTHS_IN[self.kind]:
            return [period_of(kind, self.first_day)]
        step = _MONTHS_IN[kind]
        months = range(self._first_month, self._first_month + _MONTHS_IN[self.kind], step)
        return [period_of(kind, date(self.year, m, 1)) for m in months]


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def beijing_midnight(day: date) -> datetime:
    """00:00 Beijing on ``day``, as an aware UTC datetime."""
    return datetime.combine(day, time(0), tzinfo=BEIJING).astimezone(UTC)


def period_of(kind: PeriodKind, day: date) -> Period:
    """The period of ``kind`` that contains the Beijing date ``day``."""
    if kind == PeriodKind.MONTH:
        return Period(kind, day.year, day.month)
    if kind == PeriodKind.QUARTER:
        return Period(kind, day.year, (day.month - 1) // 3 + 1)
    if kind == PeriodKind.YEAR:
        return Period(kind, day.year)
    raise PeriodError(f"no calendar period of kind {kind}")


def parse(key: str) -> Period:
    """Read ``2026``, ``2026-03`` or ``2026-Q2`` (as in URLs and ``?period=``)."""
    found = _KEY.match((key or "").strip().upper())
    if not found:
        raise PeriodError(key)
    year, month, quarter = found.groups()
    if not 2000 <= int(year) <= 2100:
        raise PeriodError(key)
    if month is not None:
        if not 1 <= int(month) <= 12:
            raise PeriodError(key)
        return Period(PeriodKind.MONTH, int(year), int(month))
    if quarter is not None:
        return Period(PeriodKind.QUARTER, int(year), int(quarter))
    return Period(PeriodKind.YEAR, int(year))


def days_left(period: Period, today: date, by_attributed_year: bool = False) -> int:
    """Days from ``today`` to the deadline, counting both; 0 once the period is over."""
    return max(0, (period.deadline(by_attributed_year) - today).days + 1)

"""The overseer's work list (督导工作台): branches ranked worst first, filtered, sorted, paged.

Pure: rows come in as plain data (what the compliance engine and the record say of each
branch); this module decides the order, the rank, which rows are "lagging" and what one page
holds. The rank is always by 完成率 — whatever column the list is sorted by — so a branch
keeps its place in the 通报 when the officer re-sorts to find the ones with minutes waiting.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from meetings.domain.collation import reading_key

PER_PAGE = 50


def desk_year(today: date) -> int:
    """The year the overseer's home desk watches: last year until January is out. Nothing of a
    new year is owed before its first month closes, and a January 通报 is about December, the
    fourth quarter and the year just ended."""
    return today.year - 1 if today.month == 1 else today.year


class SortKey(StrEnum):
    RATE = "rate"  # 完成率, lowest first (the default: the 通报's order)
    MISSED = "missed"  # 未完成, most first
    AT_RISK = "at_risk"  # 临期未安排, most first
    CAMPAIGNS = "campaigns"  # 专项行动逾期, most first
    MINUTES = "minutes"  # 纪要逾期未定稿, most first
    NAME = "name"  # the tree's order: 上级单位, then name, each 按拼音


# The direction each column lists in by default, worst first: the lowest 完成率, the most owed;
# names from A. ``dir`` in a URL names the direction the values run in, not "reversed or not".
ASCENDING_BY_DEFAULT = frozenset({SortKey.RATE, SortKey.NAME})


def default_direction(key: SortKey) -> str:
    return "asc" if key in ASCENDING_BY_DEFAULT else "desc"


@dataclass(frozen=True)
class Item:
    """One thing a branch owes: a requirement's missed or at-risk periods, or a campaign."""

    label: str
    count: int = 1


@dataclass
class WorkRow:
    """One branch as the overseer sees it for a period (counts of judged cells)."""

    branch_id: int
    name: str
    parent_name: str
    done: int = 0
    missed: int = 0
    at_risk: int = 0
    rate: float | None = None  # None: nothing judged yet in the period (a branch founded lately)
    missed_items: list[Item] = field(default_factory=list)
    at_risk_items: list[Item] = field(default_factory=list)
    overdue_campaigns: list[Item] = field(default_factory=list)
    minutes_waiting: int = 0  # held meetings whose minutes are not final past the wait
    rank: int = 0

    @property
    def lagging(self) -> bool:
        """Something to act on: a missed or at-risk period, a campaign overdue, minutes waiting."""
        return bool(self.missed or self.at_risk or self.overdue_campaigns or self.minutes_waiting)


def _severity(row: WorkRow) -> tuple:
    """Worst first: the lowest rate (nothing judged goes last), then the most owed."""
    return (row.rate is None, row.rate if row.rate is not None else 0.0, -row.missed,
            -row.at_risk, -len(row.overdue_campaigns), -row.minutes_waiting)


def _tree_order(row: WorkRow) -> tuple:
    return (reading_key(row.parent_name), reading_key(row.name), row.branch_id)


_SORTS: dict[SortKey, Callable[[WorkRow], tuple]] = {
    SortKey.RATE: lambda r: (*_severity(r), *_tree_order(r)),
    SortKey.MISSED: lambda r: (-r.missed, *_severity(r), *_tree_order(r)),
    SortKey.AT_RISK: lambda r: (-r.at_risk, *_severity(r), *_tree_order(r)),
    SortKey.CAMPAIGNS: lambda r: (-len(r.overdue_campaigns), *_severity(r), *_tree_order(r)),
    SortKey.MINUTES: lambda r: (-r.minutes_waiting, *_severity(r), *_tree_order(r)),
    SortKey.NAME: _tree_order,
}


def competition_ranks(values: Sequence) -> list[int]:
    """Ranks of already-sorted values, ties equal and the next rank skipped (1, 2, 2, 4)."""
    ranks: list[int] = []
    for index, value in enumerate(values):
        ranks.append(ranks[-1] if index and value == values[index - 1] else index + 1)
    return ranks


def rank(rows: list[WorkRow]) -> list[WorkRow]:
    """Set each row's rank by 完成率 alone (equal rates rank equal); rows judged on nothing
    have no rank (0). Returns the rows in rank order."""
    ordered = sorted(rows, key=_SORTS[SortKey.RATE])
    judged = [r for r in ordered if r.rate is not None]
    for row, place in zip(judged, competition_ranks([r.rate for r in judged]), strict=True):
        row.rank = place
    for row in ordered[len(judged):]:
        row.rank = 0
    return ordered


def arrange(rows: list[WorkRow], key: SortKey = SortKey.RATE, reverse: bool = False, *,
            only_lagging: bool = False, name_contains: str = "") -> list[WorkRow]:
    """The rows to list, in the order asked for (ranks must have been set by ``rank``)."""
    needle = name_contains.strip().casefold()
    kept = [r for r in rows if (not only_lagging or r.lagging)
            and (not needle or needle in r.name.casefold() or needle in r.parent_name.casefold())]
    return sorted(kept, key=_SORTS[key], reverse=reverse)


@dataclass(frozen=True)
class Page:
    rows: list[WorkRow]
    number: int  # 1-based, after clamping
    pages: int
    total: int
    per_page: int = PER_PAGE

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.per_page


def page_of(rows: list[WorkRow], number: int, per_page: int = PER_PAGE) -> Page:
    """One page of ``rows``; a number past the end gives the last page, below 1 the first."""
    pages = max(1, -(-len(rows) // per_page))
    number = min(max(number, 1), pages)
    start = (number - 1) * per_page
    return Page(rows[start:start + per_page], number, pages, len(rows), per_page)

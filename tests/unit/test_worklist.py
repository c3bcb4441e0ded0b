"""The work list's order, ranks, filters and pages (domain.worklist), on plain rows."""
from datetime import date

import pytest

from meetings.domain.worklist import (
    Item,
    SortKey,
    WorkRow,
    arrange,
    competition_ranks,
    desk_year,
    page_of,
    rank,
)


def row(branch_id, rate, missed=0, at_risk=0, name=None, parent="机关党委", campaigns=0, minutes=0):
    return WorkRow(branch_id=branch_id, name=name or f"第{branch_id}党支部", parent_name=parent,
                   rate=rate, missed=missed, at_risk=at_risk,
                   overdue_campaigns=[Item(f"专项{i}") for i in range(campaigns)], minutes_waiting=minutes)


@pytest.mark.parametrize(("today", "year"), [
    (date(2027, 1, 1), 2026), (date(2027, 1, 31), 2026), (date(2027, 2, 1), 2027), (date(2026, 12, 31), 2026),
])
def test_the_desk_watches_last_year_until_january_is_out(today, year):
    assert desk_year(today) == year


def test_competition_ranks_tie_equal_and_skip():
    assert competition_ranks([0.5, 0.7, 0.7, 0.9]) == [1, 2, 2, 4]
    assert competition_ranks([]) == []
    assert competition_ranks([1.0, 1.0, 1.0]) == [1, 1, 1]


def test_the_lowest_rate_ranks_first_and_equal_rates_rank_equal():
    ranked = rank([row(1, 0.9), row(2, 0.5), row(3, 0.9), row(4, 1.0)])
    assert [(r.branch_id, r.rank) for r in ranked] == [(2, 1), (1, 2), (3, 2), (4, 4)]


def test_a_branch_with_nothing_judged_is_listed_last_without_a_rank():
    ranked = rank([row(1, None), row(2, 1.0), row(3, 0.0)])
    assert [(r.branch_id, r.rank) for r in ranked] == [(3, 1), (2, 2), (1, 0)]


def test_at_equal_rates_the_branch_owing_more_comes_first_but_ranks_equal():
    ranked = rank([row(1, 0.5, missed=1), row(2, 0.5, missed=3), row(3, 0.5, missed=3, at_risk=2)])
    assert [r.branch_id for r in ranked] == [3, 2, 1]
    assert {r.rank for r in ranked} == {1}


@pytest.mark.parametrize(("key", "expected"), [
    (SortKey.MISSED, [2, 1, 3]), (SortKey.AT_RISK, [3, 1, 2]), (SortKey.CAMPAIGNS, [1, 2, 3]),
    (SortKey.MINUTES, [3, 1, 2]), (SortKey.NAME, [1, 2, 3]), (SortKey.RATE, [1, 2, 3])])
def test_each_column_sorts_the_most_owed_first(key, expected):
    rows = rank([row(1, 0.2, missed=1, at_risk=1, campaigns=2, minutes=1),
                 row(2, 0.4, missed=5), row(3, 0.6, at_risk=4, minutes=3)])
    assert [r.branch_id for r in arrange(rows, key)] == expected


def test_the_other_way_round_reverses_and_ranks_stay():
    rows = rank([row(1, 0.2), row(2, 0.4), row(3, 0.6)])
    shown = arrange(rows, SortKey.RATE, reverse=True)
    assert [(r.branch_id, r.rank) for r in shown] == [(3, 3), (2, 2), (1, 1)]


def test_only_lagging_keeps_branches_that_owe_something():
    rows = rank([row(1, 1.0), row(2, 1.0, campaigns=1), row(3, 1.0, minutes=2), row(4, 0.5, missed=1),
                 row(5, None, at_risk=1)])
    assert [r.branch_id for r in arrange(rows, only_lagging=True)] == [4, 2, 3, 5]


def test_the_name_filter_reads_the_branch_and_its_parent_without_case():
    rows = rank([row(1, 1.0, name="办公厅党支部", parent="厅机关党委"), row(2, 1.0, name="IT Branch"),
                 row(3, 1.0, name="价格处党支部", parent="发改委机关党委")])
    assert [r.branch_id for r in arrange(rows, name_contains="  it ")] == [2]
    assert [r.branch_id for r in arrange(rows, name_contains="发改委")] == [3]
    assert len(arrange(rows, name_contains="")) == 3


def test_pages_hold_fifty_and_a_page_past_the_end_is_the_last():
    rows = [row(i, 0.5) for i in range(1, 121)]
    assert (page_of(rows, 1).pages, len(page_of(rows, 1).rows)) == (3, 50)
    last = page_of(rows, 99)
    assert (last.number, len(last.rows), last.first_index) == (3, 20, 100)
    assert page_of(rows, 0).number == 1
    assert page_of([], 5).pages == 1 and page_of([], 5).rows == []

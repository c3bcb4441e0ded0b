"""整改事项 rules as pure functions: what may be written, when an item is overdue, list order."""
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from meetings.domain.actions import (
    EVIDENCE_LENGTH,
    TEXT_LENGTH,
    check_cancel,
    check_close,
    check_item,
    check_reopen,
    clean,
    is_overdue,
    ordered,
)
from meetings.domain.scheduling import local_date
from meetings.domain.terms import ActionStatus

OPEN, DONE, CANCELLED = ActionStatus.OPEN, ActionStatus.DONE, ActionStatus.CANCELLED
TODAY = date(2026, 6, 1)
MEETING_DAY = date(2026, 5, 28)


@dataclass
class Item:
    name: str
    due_on: date | None
    status: ActionStatus = OPEN


def fields(text="整改会议记录不规范的问题", due_on=TODAY + timedelta(days=30)) -> list[str]:
    return [p.field for p in check_item(text, due_on, meeting_day=MEETING_DAY, today=TODAY)]


def test_an_item_due_today_is_not_overdue():
    assert not is_overdue(TODAY, OPEN, TODAY)


def test_an_item_due_yesterday_is_overdue():
    assert is_overdue(TODAY - timedelta(days=1), OPEN, TODAY)


@pytest.mark.parametrize("status", [DONE, CANCELLED])
def test_a_closed_item_is_never_overdue(status):
    assert not is_overdue(TODAY - timedelta(days=100), status, TODAY)


def test_an_item_without_a_due_date_is_never_overdue():
    assert not is_overdue(None, OPEN, TODAY)


@pytest.mark.parametrize(("utc_moment", "overdue"), [
    (datetime(2026, 6, 1, 15, 59, tzinfo=UTC), False),  # 23:59 on 1 June in Beijing
    (datetime(2026, 6, 1, 16, 0, tzinfo=UTC), True),  # 00:00 on 2 June in Beijing, still 1 June in UTC
])
def test_overdue_turns_at_beijing_midnight_not_utc(utc_moment, overdue):
    assert is_overdue(date(2026, 6, 1), OPEN, local_date(utc_moment)) is overdue


def test_order_is_overdue_first_then_by_due_date_with_undated_last():
    items = [Item("later", TODAY + timedelta(days=9)), Item("undated", None),
             Item("late-recent", TODAY - timedelta(days=1)), Item("today", TODAY),
             Item("late-old", TODAY - timedelta(days=20)),
             Item("closed-old", TODAY - timedelta(days=30), DONE)]
    assert [i.name for i in ordered(items, TODAY)] == [
        "late-old", "late-recent", "closed-old", "today", "later", "undated"]


def test_order_keeps_items_due_the_same_day_as_entered():
    items = [Item(str(n), TODAY) for n in range(5)]
    assert [i.name for i in ordered(items, TODAY)] == ["0", "1", "2", "3", "4"]


def test_a_valid_item_has_no_problems():
    assert fields() == []


@pytest.mark.parametrize("text", ["", "   \n\t ", "党" * (TEXT_LENGTH + 1), "a\x00b", "看\u202e这里"],
                         ids=["empty", "blank", "too long", "nul", "bidi override"])
def test_bad_text_is_refused(text):
    assert fields(text=text) == ["text"]


def test_text_at_the_limit_is_accepted_after_trimming():
    assert fields(text=f"  {'党' * TEXT_LENGTH}\r\n") == []
    assert clean(" 一\r\n二 ") == "一\n二"


def test_ten_thousand_characters_say_the_limit():
    problem, = check_item("党" * 10_000, TODAY, meeting_day=MEETING_DAY, today=TODAY)
    assert problem.text == f"整改事项不能超过 {TEXT_LENGTH} 个字。"


@pytest.mark.parametrize(("due_on", "ok"), [
    (None, False), (MEETING_DAY - timedelta(days=1), False), (MEETING_DAY, True),
    (TODAY - timedelta(days=1), True),  # a late record of a past meeting may be overdue at once
    (TODAY + timedelta(days=2 * 366), True), (TODAY + timedelta(days=2 * 366 + 1), False),
])
def test_due_date_lies_between_the_meeting_and_two_years_ahead(due_on, ok):
    assert fields(due_on=due_on) == ([] if ok else ["due_on"])


def test_closing_needs_evidence():
    assert [p.field for p in check_close(OPEN, "  ")] == ["evidence"]
    assert [p.field for p in check_close(OPEN, "x" * (EVIDENCE_LENGTH + 1))] == ["evidence"]
    assert check_close(OPEN, "已修订会议记录模板，见支部档案第 3 册") == []


@pytest.mark.parametrize("status", [DONE, CANCELLED])
def test_a_closed_item_cannot_be_closed_or_cancelled_again(status):
    close_problem, = check_close(status, "再次提交的佐证")
    cancel_problem, = check_cancel(status, "重复")
    assert "已经办结或取消" in close_problem.text and "已经办结或取消" in cancel_problem.text


def test_cancelling_needs_a_reason():
    assert [p.field for p in check_cancel(OPEN, "")] == ["reason"]
    assert check_cancel(OPEN, "问题已并入另一项整改") == []


def test_only_a_closed_item_can_be_reopened():
    assert check_reopen(DONE) == [] and check_reopen(CANCELLED) == []
    assert [p.field for p in check_reopen(OPEN)] == ["status"]

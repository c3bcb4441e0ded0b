"""整改事项 (action items) as pure rules: what may be written, when one is overdue, in what
order a list shows them. ``today`` is a Beijing calendar date passed in by the caller.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Protocol, TypeVar

from meetings.domain.messages import N_, FieldProblem
from meetings.domain.people import has_control_characters
from meetings.domain.terms import ActionStatus

TEXT_LENGTH = 500  # one 整改事项 is a sentence or two, not a report
EVIDENCE_LENGTH = 2000
REASON_LENGTH = 500
MAX_AHEAD = timedelta(days=2 * 366)  # a 整改时限 beyond two years is a typo


class ActionProblem(FieldProblem):
    """A problem with one field of an action item (text, owner_id, due_on, evidence, reason)."""


class Dated(Protocol):
    """Anything with a due date and a status (an ActionItem row, or plain data in tests)."""

    due_on: date | None
    status: ActionStatus


T = TypeVar("T", bound=Dated)


def clean(text: str | None) -> str:
    """The text as stored: surrounding blanks dropped, one newline convention."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


EARLIER_THAN_MEETING = N_("整改时限不能早于会议日期（%(day)s）。")
EARLIER_THAN_VISIT = N_("整改时限不能早于督导日期（%(day)s）。")


def check_item(text: str, due_on: date | None, *, meeting_day: date, today: date,
               too_early: str = EARLIER_THAN_MEETING) -> list[ActionProblem]:
    """Problems with an item's text and 整改时限 (not before ``meeting_day``, the day its
    source — a meeting or a visit — took place); an empty list means it may be saved."""
    return [*_text_problems("text", text, TEXT_LENGTH, N_("请填写整改事项。"),
                            N_("整改事项不能超过 %(limit)s 个字。")),
            *_due_problems(due_on, meeting_day, today, too_early)]


def check_close(status: ActionStatus, evidence: str) -> list[ActionProblem]:
    """Closing (办结) needs an open item and a note of what was done, as evidence."""
    if status != ActionStatus.OPEN:
        return [ActionProblem("evidence", N_("这项整改事项已经办结或取消，不能再办结。"))]
    return _text_problems("evidence", evidence, EVIDENCE_LENGTH,
                          N_("请填写整改完成情况和佐证材料说明。"), N_("整改情况不能超过 %(limit)s 个字。"))


def check_cancel(status: ActionStatus, reason: str) -> list[ActionProblem]:
    """Cancelling needs an open item and a reason."""
    if status != ActionStatus.OPEN:
        return [ActionProblem("reason", N_("这项整改事项已经办结或取消，不能再取消。"))]
    return _text_problems("reason", reason, REASON_LENGTH, N_("请填写取消原因。"),
                          N_("取消原因不能超过 %(limit)s 个字。"))


def check_reopen(status: ActionStatus) -> list[ActionProblem]:
    """Only an item that was closed or cancelled can be opened again."""
    if status == ActionStatus.OPEN:
        return [ActionProblem("status", N_("这项整改事项尚未办结。"))]
    return []


def is_overdue(due_on: date | None, status: ActionStatus, today: date) -> bool:
    """逾期: still open after its due date (the due day itself is still on time)."""
    return status == ActionStatus.OPEN and due_on is not None and due_on < today


def ordered(items: Iterable[T], today: date) -> list[T]:
    """Overdue first, then by due date (none last), then as entered."""
    def key(item):
        return (not is_overdue(item.due_on, item.status, today), item.due_on is None,
                item.due_on or date.max)
    return sorted(items, key=key)


def _text_problems(name: str, value: str, limit: int, empty: str, too_long: str) -> list[ActionProblem]:
    text = clean(value)
    if not text:
        return [ActionProblem(name, empty)]
    if len(text) > limit:
        return [ActionProblem(name, too_long, {"limit": limit})]
    if has_control_characters(text, multiline=True):
        return [ActionProblem(name, N_("包含不可见的控制字符，请删除后重新输入。"))]
    return []


def _due_problems(due_on: date | None, meeting_day: date, today: date, too_early: str) -> list[ActionProblem]:
    if due_on is None:
        return [ActionProblem("due_on", N_("请填写整改时限。"))]
    if due_on < meeting_day:
        return [ActionProblem("due_on", too_early, {"day": meeting_day.isoformat()})]
    if due_on > today + MAX_AHEAD:
        return [ActionProblem("due_on", N_("整改时限不能超过两年以后。"))]
    return []

"""督导记录 (a liaison's visit log) as pure rules: what a visit record and a finding may say.

A liaison (党建联络员) or a committee officer records a visit to a unit, or a check of its
record from the office: the day, what was checked, what was found. Each finding names the
branch it concerns and may become a 整改事项 of that branch. ``today`` is a Beijing date
passed in by the caller.
"""
from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from meetings.domain.actions import clean
from meetings.domain.messages import N_, FieldProblem
from meetings.domain.people import has_control_characters

SUMMARY_LENGTH = 5000  # 督导情况: a page of notes
FINDING_LENGTH = 1000
MAX_FINDINGS = 50  # on one record
MAX_BACK = timedelta(days=2 * 366)  # a record of a visit two years ago is a typo, not a record


class VisitKind(StrEnum):
    ON_SITE = "on_site"  # 实地督导: the liaison went to the unit
    DESK = "desk"  # 查阅检查: the record checked from the office (the site, the ledgers sent in)
    TALK = "talk"  # 座谈了解: talks with the secretary and members


class Checked(StrEnum):
    """What a visit looked at (several may be ticked)."""

    MEETINGS = "meetings"  # 三会一课等会议开展情况
    MINUTES = "minutes"  # 会议记录（纪要）
    LEDGERS = "ledgers"  # 党建工作台账
    ATTENDANCE = "attendance"  # 签到与考勤
    ACTIONS = "actions"  # 整改落实情况
    OTHER = "other"


class VisitProblem(FieldProblem):
    """A problem with one field of a visit record or finding."""


def check_visit(visited_on: date | None, checked: list[str], summary: str, *,
                today: date) -> list[VisitProblem]:
    """Problems with a visit record; an empty list means it may be saved."""
    problems = []
    if visited_on is None:
        problems.append(VisitProblem("visited_on", N_("请填写督导日期。")))
    elif visited_on > today:
        problems.append(VisitProblem("visited_on", N_("督导日期不能晚于今天：记录的是已经开展的督导。")))
    elif visited_on < today - MAX_BACK:
        problems.append(VisitProblem("visited_on", N_("督导日期不能早于两年以前。")))
    if not checked:
        problems.append(VisitProblem("checked", N_("请至少选择一项督导内容。")))
    elif any(value not in set(Checked) for value in checked):
        problems.append(VisitProblem("checked", N_("督导内容无法识别。")))
    problems += _text("summary", summary, SUMMARY_LENGTH, N_("请填写督导情况。"),
                      N_("督导情况不能超过 %(limit)s 个字。"))
    return problems


def check_finding(text: str, findings_so_far: int) -> list[VisitProblem]:
    """Problems with one more finding on a record that has ``findings_so_far``."""
    if findings_so_far >= MAX_FINDINGS:
        return [VisitProblem("text", N_("一份督导记录最多记 %(limit)s 条问题。"), {"limit": MAX_FINDINGS})]
    return _text("text", text, FINDING_LENGTH, N_("请填写发现的问题。"),
                 N_("问题描述不能超过 %(limit)s 个字。"))


def _text(name: str, value: str, limit: int, empty: str, too_long: str) -> list[VisitProblem]:
    text = clean(value)
    if not text:
        return [VisitProblem(name, empty)]
    if len(text) > limit:
        return [VisitProblem(name, too_long, {"limit": limit})]
    if has_control_characters(text, multiline=True):
        return [VisitProblem(name, N_("包含不可见的控制字符，请删除后重新输入。"))]
    return []

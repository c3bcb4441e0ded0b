"""Absence streaks (党员教育管理工作条例 §31: 连续6个月无正当理由不参加组织生活).

A member's streak is the run of their most recent recorded meetings that they missed
without leave; leave (请假) is a proper reason and ends the run like attending does.
A level needs both the time and the meetings: three months since the first absence *and*
at least three meetings missed (six and six to escalate) — one absence followed by weeks
without any meeting is not "not taking part for three months".
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from meetings.domain.terms import Attendance

EXCUSED_OR_ATTENDED = frozenset({Attendance.PRESENT, Attendance.LATE, Attendance.LEAVE})


class StreakLevel(IntEnum):
    """Months of unbroken absence that raise a flag (3) and escalate it (6)."""

    WARNING = 3
    SERIOUS = 6


@dataclass(frozen=True)
class Streak:
    since: date  # the first meeting missed in the run
    meetings: int  # how many meetings the run spans
    months: int  # whole months from ``since`` to today
    level: StreakLevel | None


def months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start`` to ``end`` (12 May → 11 Aug is 2, → 12 Aug 3)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def level_for(months: int, meetings: int) -> StreakLevel | None:
    for level in (StreakLevel.SERIOUS, StreakLevel.WARNING):
        if months >= level and meetings >= level:
            return level
    return None


def streak(marks: Iterable[tuple[date, Attendance]], today: date) -> Streak | None:
    """The current run of unexcused absences from (meeting day, mark) pairs, or None.

    Unmarked meetings are not evidence either way and are skipped.
    """
    run: list[date] = []
    for day, mark in sorted(marks, key=lambda pair: pair[0], reverse=True):
        if mark in EXCUSED_OR_ATTENDED:
            break
        if mark == Attendance.ABSENT:
            run.append(day)
    if not run:
        return None
    months = months_between(run[-1], today)
    return Streak(since=run[-1], meetings=len(run), months=months, level=level_for(months, len(run)))

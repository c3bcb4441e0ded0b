"""A year of organizational life for each branch of the scale province (DESIGN §7): which
sessions a branch plans, and which of them it held, cancelled or forgot to record.

Pure generation from a seed; the rows of each meeting (invitations, attendance, minutes) are
``scale_rows``.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from meetings.domain.meeting_types import DEFAULT_TYPES
from meetings.domain.scheduling import BEIJING
from meetings.seeding.scale.data import Branch

DURATIONS = {t.code: t.default_duration_minutes for t in DEFAULT_TYPES}
AFTERNOONS = (time(14, 0), time(14, 30), time(15, 0), time(15, 30))
TOPICS = (
    "学习贯彻党的二十届四中全会精神", "深入学习习近平新时代中国特色社会主义思想", "弘扬优良作风 保证“双胜利”",
    "学习《中国共产党章程》", "学习《中国共产党纪律处分条例》", "“我为群众办实事”实践活动", "重温入党誓词",
    "学习身边先进典型", "推进模范机关建设", "加强作风建设 提升服务效能", "学习贯彻全国两会精神",
    "铸牢中华民族共同体意识", "网络安全与保密教育", "廉洁文化教育",
)
EDGE_CASE_SHARE = 0.004  # branches whose Q1 党员大会 runs 31 March 23:00–23:30 Beijing


@dataclass(frozen=True)
class Session:
    """One meeting a branch plans: its types, Beijing day and time, and whose it is."""

    codes: tuple[str, ...]
    day: date
    start: time
    title: str
    attributed_year: int
    group_id: int | None = None
    minutes: int = 0  # 0: the longest default duration of its types

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.day, self.start, BEIJING).astimezone(UTC)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes or max(DURATIONS[c] for c in self.codes))


@dataclass(frozen=True)
class Habits:
    """How diligent a branch is: share of planned sessions held, attendance, forgetting to record."""

    keep: float
    present: float
    unrecorded: float


def habits(rng: random.Random) -> Habits:
    """Most branches are good; one in seven slips a little and one in twenty lags badly."""
    r = rng.random()
    if r < 0.05:
        return Habits(rng.uniform(0.4, 0.65), rng.uniform(0.55, 0.8), 0.10)
    if r < 0.20:
        return Habits(rng.uniform(0.75, 0.88), rng.uniform(0.8, 0.92), 0.03)
    return Habits(rng.uniform(0.86, 0.96), rng.uniform(0.88, 0.97), 0.015)


def plan_year(branch: Branch, year: int, rng: random.Random, keep: float) -> list[Session]:
    """The sessions a branch held or planned in ``year``, in time order, ~10% of the plan missed."""
    sessions = [*_theme_days(year, rng), *_assemblies(year, rng), *_lectures(year, rng),
                *_yearly(year - 1, rng, january=True), *_yearly(year, rng, january=False)]
    if branch.seat_holders:
        sessions += _committee_meetings(year, rng)
    for group_id, group_name in branch.groups:
        sessions += _group_meetings(year, group_id, group_name, rng)
    kept = [s for s in sessions if rng.random() < keep]
    return sorted(kept, key=lambda s: (s.day, s.start, s.codes))


def weekday(rng: random.Random, year: int, month: int, first: int = 1, last: int = 28) -> date:
    """A random working day (Monday–Friday) of the month between ``first`` and ``last``."""
    while True:
        day = date(year, month, rng.randint(first, last))
        if day.weekday() < 5:
            return day


def _theme_days(year: int, rng: random.Random) -> list[Session]:
    """主题党日 every month; one a quarter doubles as the 党课 (two types, one session)."""
    lecture_months = {rng.randint(3 * q + 1, 3 * q + 3) for q in range(4)}
    sessions = []
    for month in range(1, 13):
        topic = rng.choice(TOPICS)
        if month in lecture_months:
            codes, title = ("theme_day", "party_lecture"), f"{month}月主题党日暨党课：{topic}"
        else:
            codes, title = ("theme_day",), f"{month}月主题党日：{topic}"
        sessions.append(Session(codes, weekday(rng, year, month, 18, 28), rng.choice(AFTERNOONS),
                                title, year))
    return sessions


def _committee_meetings(year: int, rng: random.Random) -> list[Session]:
    """支部委员会 early each month (only branches with a committee)."""
    return [Session(("branch_committee",), weekday(rng, year, month, 3, 12), time(16, 0),
                    f"{month}月支部委员会", year) for month in range(1, 13)]


def _assemblies(year: int, rng: random.Random) -> list[Session]:
    """支部党员大会 each quarter; a few branches hold the first one late on 31 March."""
    sessions = []
    for q in range(4):
        title = f"第{'一二三四'[q]}季度支部党员大会"
        if q == 0 and rng.random() < EDGE_CASE_SHARE:
            sessions.append(Session(("branch_assembly",), date(year, 3, 31), time(23, 0), title, year,
                                    minutes=30))
            continue
        month = rng.randint(3 * q + 1, 3 * q + 3)
        sessions.append(Session(("branch_assembly",), weekday(rng, year, month, 8, 25),
                                rng.choice(AFTERNOONS), title, year))
    return sessions


def _lectures(year: int, rng: random.Random) -> list[Session]:
    """Two 党课 of their own, one in each half of the year."""
    return [Session(("party_lecture",), weekday(rng, year, rng.randint(first, first + 5), 5, 25),
                    rng.choice(AFTERNOONS), f"党课：{rng.choice(TOPICS)}", year) for first in (1, 7)]


def _yearly(attributed: int, rng: random.Random, *, january: bool) -> list[Session]:
    """组织生活会 and 民主评议党员 for ``attributed``: in January/February of the year after it
    (for about half the branches), or in its own December (for the other half)."""
    if rng.random() < 0.5:
        return []
    if january:
        day = weekday(rng, attributed + 1, rng.choice((1, 1, 2)), 5, 27)
    else:
        day = weekday(rng, attributed, 12, 8, 26)
    title = f"{attributed}年度组织生活会"
    if rng.random() < 1 / 3:
        return [Session(("org_life_meeting", "member_appraisal"), day, time(14, 0),
                        f"{title}暨民主评议党员", attributed)]
    appraisal_day = day + timedelta(days=3 if day.weekday() == 4 else 1)
    return [Session(("org_life_meeting",), day, time(14, 0), title, attributed),
            Session(("member_appraisal",), appraisal_day, time(14, 30), f"{attributed}年度民主评议党员",
                    attributed)]


def _group_meetings(year: int, group_id: int, group_name: str, rng: random.Random) -> list[Session]:
    """党小组会 monthly, except the two or three months a group lets slip."""
    skipped = set(rng.sample(range(1, 13), rng.choice((2, 2, 3))))
    return [Session(("group_meeting",), weekday(rng, year, month, 10, 24), rng.choice(AFTERNOONS),
                    f"{group_name}{month}月党小组会", year, group_id)
            for month in range(1, 13) if month not in skipped]

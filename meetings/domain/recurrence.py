"""Recurring meetings (例会): a rule expanded into separate occurrences; pure, no Flask, no database.

Each occurrence becomes its own meeting row. On the wire a series is to be one recurring event
(``ical_series``, from ``rrule_parts`` and ``pattern_dates``); until mail and feeds use it, each
meeting still goes out with its own UID (CALENDAR.md "Recurrence"). Decisions:

- The series starts with the first matching date on or after ``first_date``; ``interval`` counts
  weeks (or months) from that first meeting.
- ``count`` is the number of meetings actually held: a skipped date does not use one up.
- ``day`` beyond a month's length (31 in April, 30 in February) falls on that month's last day.
- A series may not run more than ``MAX_YEARS`` past ``first_date`` nor hold more than
  ``MAX_OCCURRENCES`` meetings; ``occurrences`` never goes past either, even for a rule
  ``validate`` would reject.

Error messages are Chinese message ids marked with ``N_``; the web layer translates them.
"""
from __future__ import annotations

import calendar
import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from meetings.domain.messages import N_, FieldProblem

BEIJING = ZoneInfo("Asia/Shanghai")
MAX_OCCURRENCES = 60
MAX_YEARS = 2
MAX_DURATION_MINUTES = 12 * 60
LAST = -1  # ordinal: the last such weekday of the month
WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
_ZH_NUMBERS = "零一两三四五六七八九十"
_ZH_ORDINALS = {1: "第一个", 2: "第二个", 3: "第三个", 4: "第四个", LAST: "最后一个"}


class Frequency(StrEnum):
    """How a series repeats."""

    WEEKLY = "weekly"  # 每周星期三
    MONTHLY_BY_WEEKDAY = "monthly_by_weekday"  # 每月第一个星期五
    MONTHLY_BY_DAY = "monthly_by_day"  # 每月 15 日


@dataclass(frozen=True)
class Rule:
    """A recurring series in Beijing local time; ends after ``count`` meetings or on ``until``."""

    frequency: str
    first_date: date
    start_time: time
    duration_minutes: int
    interval: int = 1
    weekday: int | None = None  # 0 = Monday … 6 = Sunday (weekly, monthly_by_weekday)
    ordinal: int | None = None  # 1..4 or LAST (monthly_by_weekday)
    day: int | None = None  # 1..31 (monthly_by_day)
    count: int | None = None
    until: date | None = None  # inclusive
    skip: frozenset[date] = frozenset()

    def __post_init__(self):
        object.__setattr__(self, "skip", frozenset(self.skip))


class RuleError(FieldProblem):
    """A problem with the rule's ``field`` (a ``Rule`` attribute name)."""


@dataclass(frozen=True)
class Occurrence:
    """One meeting of a series: its Beijing date and its start and end as aware UTC datetimes."""

    local_date: date
    starts_at: datetime
    ends_at: datetime


def validate(rule: Rule, today: date) -> list[RuleError]:
    """Every problem with ``rule``; an empty list means ``occurrences`` gives what was asked."""
    errors = _shape_errors(rule) + _end_errors(rule)
    if not errors:
        errors = _outcome_errors(rule)
    if rule.first_date < today:
        errors.append(RuleError("first_date", N_("开始日期不能早于今天。")))
    return errors


def occurrences(rule: Rule) -> list[Occurrence]:
    """The meetings of the series in order, skipped dates left out, at most ``MAX_OCCURRENCES``."""
    if errors := _shape_errors(rule):
        raise ValueError(errors[0].text)
    return [_occurrence(rule, day) for day in _dates(rule, MAX_OCCURRENCES)]


def rule_to_json(rule: Rule) -> dict:
    """The rule as plain JSON values (what a series row records)."""
    data = dataclasses.asdict(rule)
    data["first_date"] = rule.first_date.isoformat()
    data["start_time"] = rule.start_time.strftime("%H:%M")
    data["until"] = rule.until.isoformat() if rule.until else None
    data["skip"] = sorted(d.isoformat() for d in rule.skip)
    return data


def rule_from_json(data: dict) -> Rule:
    """The rule back from ``rule_to_json``'s values."""
    values = {name: data.get(name) for name in (f.name for f in dataclasses.fields(Rule))}
    values["first_date"] = date.fromisoformat(data["first_date"])
    values["start_time"] = time.fromisoformat(data["start_time"])
    values["until"] = date.fromisoformat(data["until"]) if data.get("until") else None
    values["skip"] = frozenset(date.fromisoformat(d) for d in data.get("skip") or ())
    values["interval"] = data.get("interval") or 1
    return Rule(**values)


def this_and_following(items: Iterable[Occurrence], from_date: date) -> list[Occurrence]:
    """The occurrences on or after ``from_date``, for "edit this and following"."""
    return [o for o in items if o.local_date >= from_date]


def describe_parts(rule: Rule) -> dict:
    """The rule's pieces, language-neutral, for building a sentence in any language."""
    by_day = rule.frequency == Frequency.MONTHLY_BY_DAY
    return {
        "frequency": rule.frequency, "interval": rule.interval,
        "weekday": None if by_day else rule.weekday,
        "ordinal": rule.ordinal if rule.frequency == Frequency.MONTHLY_BY_WEEKDAY else None,
        "day": rule.day if by_day else None,
        "month_end": by_day and rule.day is not None and rule.day > 28,  # some months lack the day
        "time": f"{rule.start_time:%H:%M}", "duration_minutes": rule.duration_minutes,
        "count": rule.count, "until": rule.until, "skip": sorted(rule.skip),
    }


def describe(rule: Rule) -> str:
    """The rule in Chinese: "每月第一个星期五 15:00，共 6 次"."""
    parts = describe_parts(rule)
    text = f"{_zh_period(parts)}{_zh_when(parts)} {parts['time']}"
    if parts["month_end"]:
        text += "（小月改在月末）"
    if parts["count"] is not None:
        text += f"，共 {parts['count']} 次"
    elif parts["until"] is not None:
        text += f"，至 {_zh_date(parts['until'])}"
    if parts["skip"]:
        text += "，跳过 " + "、".join(_zh_date(d) for d in parts["skip"])
    return text


def _shape_errors(rule: Rule) -> list[RuleError]:
    """Problems that make the pattern itself impossible to expand."""
    if rule.frequency not in tuple(Frequency):
        return [RuleError("frequency", N_("请选择重复方式：每周、每月第几个星期几或每月几日。"))]
    errors = []
    if rule.interval is None or rule.interval < 1:
        errors.append(RuleError("interval", N_("间隔应为正整数。")))
    if rule.frequency != Frequency.MONTHLY_BY_DAY and rule.weekday not in range(7):
        errors.append(RuleError("weekday", N_("请选择星期一到星期日中的一天。")))
    if rule.frequency == Frequency.MONTHLY_BY_WEEKDAY and rule.ordinal not in _ZH_ORDINALS:
        errors.append(RuleError("ordinal", N_("请选择第一个到第四个，或最后一个。")))
    if rule.frequency == Frequency.MONTHLY_BY_DAY and rule.day not in range(1, 32):
        errors.append(RuleError("day", N_("日期应在 1 日到 31 日之间。")))
    if rule.duration_minutes is None or rule.duration_minutes < 1:
        errors.append(RuleError("duration_minutes", N_("会议时长应大于 0 分钟。")))
    elif rule.duration_minutes > MAX_DURATION_MINUTES:
        errors.append(RuleError("duration_minutes", N_("会议时长不能超过 %(hours)s 小时。"),
                                {"hours": MAX_DURATION_MINUTES // 60}))
    return errors


def _end_errors(rule: Rule) -> list[RuleError]:
    """Problems with how the series ends: exactly one of ``count`` and ``until``, within limits."""
    if (rule.count is None) == (rule.until is None):
        return [RuleError("count", N_("请选择一种结束方式：按次数或到截止日期。"))]
    if rule.count is not None and rule.count not in range(1, MAX_OCCURRENCES + 1):
        return [RuleError("count", N_("次数应在 1 到 %(limit)s 次之间。"), {"limit": MAX_OCCURRENCES})]
    if rule.until is not None and rule.until < rule.first_date:
        return [RuleError("until", N_("截止日期不能早于开始日期。"))]
    if rule.until is not None and rule.until > _horizon(rule):
        return [RuleError("until", N_("截止日期不能晚于开始日期之后 %(years)s 年。"), {"years": MAX_YEARS})]
    return []


def _outcome_errors(rule: Rule) -> list[RuleError]:
    """Problems only the expanded dates show: none at all, too many, or spread over too long."""
    dates = _dates(rule, MAX_OCCURRENCES + 1)
    if not dates:
        return [RuleError("until", N_("开始日期到截止日期之间没有符合规则的日期。"))]
    if len(dates) > MAX_OCCURRENCES:
        return [RuleError("until", N_("到截止日期会有超过 %(limit)s 次会议，请提前截止日期。"),
                          {"limit": MAX_OCCURRENCES})]
    if rule.count is not None and len(dates) < rule.count:
        return [RuleError("count", N_("这么多次会议会超过 %(years)s 年，请减少次数。"), {"years": MAX_YEARS})]
    return []


def pattern_dates(rule: Rule, first: date, last: date) -> list[date]:
    """Every date the rule's pattern gives from ``first`` (a date of the pattern) to ``last``,
    skipped ones included: what an RRULE from ``rrule_parts`` expands to over that span."""
    return list(_candidates(dataclasses.replace(rule, first_date=first, skip=frozenset()), last))


_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def rrule_parts(rule: Rule) -> dict:
    """The rule as RFC 5545 RRULE parts (without its end, which the caller sets as UNTIL).

    A ``day`` past the 28th falls on the month's last day in shorter months: the 31st is
    BYMONTHDAY=-1; the 29th or 30th is BYMONTHDAY=d, which skips February, whose meeting the
    caller adds as an RDATE (``rrule_skips``). BYSETPOS would say it in the rule, but ical.js
    (Thunderbird) ignores BYSETPOS in a monthly rule.
    """
    parts: dict = {"FREQ": "WEEKLY" if rule.frequency == Frequency.WEEKLY else "MONTHLY"}
    if rule.interval > 1:
        parts["INTERVAL"] = rule.interval
    if rule.frequency == Frequency.WEEKLY:
        parts["BYDAY"] = _RRULE_DAYS[rule.weekday]
    elif rule.frequency == Frequency.MONTHLY_BY_WEEKDAY:
        parts["BYDAY"] = f"{rule.ordinal}{_RRULE_DAYS[rule.weekday]}"
    elif rule.day <= 28:
        parts["BYMONTHDAY"] = rule.day
    else:
        parts["BYMONTHDAY"] = -1 if rule.day == 31 else rule.day
    return parts


def rrule_skips(rule: Rule, day: date) -> bool:
    """A date of the pattern that ``rrule_parts`` does not give: the 29th/30th of a shorter month."""
    return rule.frequency == Frequency.MONTHLY_BY_DAY and rule.day in (29, 30) and day.day != rule.day


def _dates(rule: Rule, limit: int) -> list[date]:
    """The meeting dates: skips left out, stopping at ``count``, ``until``, ``limit`` or the horizon."""
    if rule.count is not None:
        limit = max(0, min(limit, rule.count))
    found: list[date] = []
    for day in _candidates(rule, min(rule.until or date.max, _horizon(rule))):
        if len(found) >= limit:
            break
        if day not in rule.skip:
            found.append(day)
    return found


def _candidates(rule: Rule, last: date) -> Iterator[date]:
    """Every date the pattern gives from the first meeting up to ``last``."""
    if rule.frequency == Frequency.WEEKLY:
        day = rule.first_date + timedelta(days=(rule.weekday - rule.first_date.weekday()) % 7)
        step = timedelta(weeks=rule.interval)
        while day <= last:
            yield day
            if last - day < step:  # stepping on could overflow date.max
                return
            day += step
        return
    month = rule.first_date.year * 12 + rule.first_date.month - 1  # months since year 0
    if _in_month(rule, month) < rule.first_date:
        month += 1
    while month <= last.year * 12 + last.month - 1 and _in_month(rule, month) <= last:
        yield _in_month(rule, month)
        month += rule.interval


def _in_month(rule: Rule, month: int) -> date:
    """The month's meeting date; ``month`` counts months since January of year 0."""
    year, month = divmod(month, 12)
    length = calendar.monthrange(year, month + 1)[1]
    if rule.frequency == Frequency.MONTHLY_BY_DAY:
        return date(year, month + 1, min(rule.day, length))
    if rule.ordinal == LAST:
        end = date(year, month + 1, length)
        return end - timedelta(days=(end.weekday() - rule.weekday) % 7)
    first = date(year, month + 1, 1)
    return first + timedelta(days=(rule.weekday - first.weekday()) % 7 + 7 * (rule.ordinal - 1))


def _horizon(rule: Rule) -> date:
    """The last day a series may reach: ``MAX_YEARS`` after ``first_date`` (29 Feb → 28 Feb)."""
    start = rule.first_date
    year = start.year + MAX_YEARS
    if year > date.max.year:
        return date.max
    return start.replace(year=year, day=min(start.day, calendar.monthrange(year, start.month)[1]))


def _occurrence(rule: Rule, day: date) -> Occurrence:
    starts = datetime.combine(day, rule.start_time.replace(tzinfo=None), tzinfo=BEIJING).astimezone(UTC)
    return Occurrence(day, starts, starts + timedelta(minutes=rule.duration_minutes))


def _zh_period(parts: dict) -> str:
    unit = "周" if parts["frequency"] == Frequency.WEEKLY else "个月"
    n = parts["interval"]
    if n == 1:
        return "每周" if unit == "周" else "每月"
    return f"每{_ZH_NUMBERS[n]}{unit}" if n <= 10 else f"每 {n} {unit}"


def _zh_when(parts: dict) -> str:
    if parts["day"] is not None:
        return f" {parts['day']} 日"
    return _ZH_ORDINALS.get(parts["ordinal"], "") + WEEKDAYS_ZH[parts["weekday"]]


def _zh_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"

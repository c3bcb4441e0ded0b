"""Rules for scheduling a meeting (安排会议), as pure checks over plain data; ``now`` is passed in.

The service layer collects the facts (who is invited, whether the branch has a committee)
and asks here; error messages are Chinese message ids marked with ``N_``.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from meetings.domain.messages import N_, FieldProblem
from meetings.domain.people import clean_name, has_control_characters

BEIJING = ZoneInfo("Asia/Shanghai")
MAX_DURATION = timedelta(hours=12)
MAX_AHEAD = timedelta(days=2 * 366)
# No party branch met before the Party was founded; a year-1 date would not even fit in UTC.
EARLIEST = datetime(1921, 1, 1, tzinfo=BEIJING)
TITLE_LENGTH = 200
WEB_SCHEMES = ("https://", "http://")  # the online link is shown as <a href>: never javascript:
# 组织生活会 and 民主评议 held January–March may count for the previous year (DESIGN §5).
LAST_MONTH_FOR_PREVIOUS_YEAR = 3


class PlanError(FieldProblem):
    """A problem with one field of the schedule form."""


@dataclass(frozen=True)
class Plan:
    """What the secretary asks for: times are aware datetimes, people are person ids."""

    title: str
    starts_at: datetime
    ends_at: datetime
    type_codes: Collection[str]
    invitee_ids: Collection[int]
    host_id: int | None = None
    recorder_id: int | None = None
    late_record: bool = False  # 补录: recording a meeting that was already held
    attributed_year: int | None = None
    branch_has_committee: bool = True
    online_url: str | None = None


def check(plan: Plan, now: datetime) -> list[PlanError]:
    """Every problem with ``plan`` as of ``now``; an empty list means it may be saved."""
    return [*_title_errors(plan), *_time_errors(plan, now), *_people_errors(plan),
            *_type_errors(plan), *_year_errors(plan), *_link_errors(plan)]


def is_web_address(url: str) -> bool:
    """An http(s) link, the only kind a meeting page may link to."""
    return url.strip().lower().startswith(WEB_SCHEMES)


def local_date(moment: datetime) -> date:
    """The Beijing calendar date of an aware datetime."""
    return moment.astimezone(BEIJING).date()


def default_attributed_year(starts_at: datetime) -> int:
    """The Beijing calendar year the meeting is held in."""
    return local_date(starts_at).year


def allowed_attributed_years(starts_at: datetime) -> tuple[int, ...]:
    """The held year, and the previous one for a meeting in January–March."""
    held = local_date(starts_at)
    if held.month <= LAST_MONTH_FOR_PREVIOUS_YEAR:
        return held.year, held.year - 1
    return (held.year,)


def _title_errors(plan: Plan) -> list[PlanError]:
    title = clean_name(plan.title)
    if not title:
        return [PlanError("title", N_("请填写会议主题。"))]
    if has_control_characters(title):
        return [PlanError("title", N_("包含不可见的控制字符，请删除后重新输入。"))]
    if len(title) > TITLE_LENGTH:
        return [PlanError("title", N_("会议主题不能超过 %(limit)s 个字。"), {"limit": TITLE_LENGTH})]
    return []


def _time_errors(plan: Plan, now: datetime) -> list[PlanError]:
    starts, ends = plan.starts_at, plan.ends_at
    if starts.tzinfo is None or ends.tzinfo is None:
        raise ValueError("meeting times must be timezone-aware")
    if starts < EARLIEST:
        return [PlanError("starts_at", N_("会议日期不能早于 %(year)s 年。"), {"year": EARLIEST.year})]
    if ends <= starts:
        return [PlanError("ends_at", N_("结束时间必须晚于开始时间。"))]
    errors = []
    if ends - starts > MAX_DURATION:
        errors.append(PlanError("ends_at", N_("一次会议不能超过 %(hours)s 小时。"),
                                {"hours": MAX_DURATION // timedelta(hours=1)}))
    if starts - now > MAX_AHEAD:
        errors.append(PlanError("starts_at", N_("会议时间不能超过两年以后。")))
    if plan.late_record and starts > now:
        errors.append(PlanError("late_record", N_("补录只用于已经召开的会议；这次会议还没有开始。")))
    elif not plan.late_record and starts < now:
        errors.append(PlanError("starts_at", N_("开始时间已过。如果是补录已经召开的会议，请勾选“补录”。")))
    return errors


def _people_errors(plan: Plan) -> list[PlanError]:
    invited = set(plan.invitee_ids)
    if not invited:
        return [PlanError("invitees", N_("请至少邀请一人参会。"))]
    errors = []
    if plan.host_id is not None and plan.host_id not in invited:
        errors.append(PlanError("host_id", N_("主持人必须在参会人员之中。")))
    if plan.recorder_id is not None and plan.recorder_id not in invited:
        errors.append(PlanError("recorder_id", N_("记录人必须在参会人员之中。")))
    return errors


def _type_errors(plan: Plan) -> list[PlanError]:
    if not plan.type_codes:
        return [PlanError("type_ids", N_("请选择会议类型。"))]
    if "branch_committee" in plan.type_codes and not plan.branch_has_committee:
        return [PlanError("type_ids", N_("本支部没有设立支部委员会，不能召开支部委员会会议。"))]
    return []


def _link_errors(plan: Plan) -> list[PlanError]:
    if plan.online_url and plan.online_url.strip() and not is_web_address(plan.online_url):
        return [PlanError("online_url", N_("线上会议链接应以 https:// 或 http:// 开头。"))]
    return []


def _year_errors(plan: Plan) -> list[PlanError]:
    year = plan.attributed_year
    if year is None or year in allowed_attributed_years(plan.starts_at):
        return []
    return [PlanError("attributed_year", N_("只有一至三月召开的会议可以计入上一年度。"))]

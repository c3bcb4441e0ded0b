"""The 审计日志 filter form: a GET query string, read without trusting it.

Whatever cannot be read is left out with a sentence in Chinese saying so, and the list is
shown with the conditions that could be read — never an error page.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from meetings.domain.people import has_control_characters
from meetings.domain.periods import beijing_midnight
from meetings.extensions import db
from meetings.models import Organization
from meetings.services.audit_query import Cursor, Filters
from meetings.web.labels import ACTIONS

# What each kind of audited object is called (``type(obj).__name__.lower()`` in the trail).
OBJECT_TYPES = {
    "organization": _l("组织"),
    "person": _l("人员"),
    "roleassignment": _l("角色"),
    "committeeseat": _l("支委职务"),
    "transfer": _l("组织关系转接"),
    "meeting": _l("会议"),
    "meetingseries": _l("例会"),
    "campaign": _l("专项行动"),
    "meetingtype": _l("会议类型"),
    "requirement": _l("考核要求"),
}
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
MAX_ID = 2**31 - 1
MAX_PERSON = 60


def object_label(kind: str) -> str:
    """The name of a kind of object (its code when unknown)."""
    return OBJECT_TYPES.get(kind, kind)


@dataclass
class Query:
    """The filters that could be read, the page asked for, and what could not be read."""

    filters: Filters = field(default_factory=Filters)
    before: Cursor | None = None
    after: Cursor | None = None
    problems: list[str] = field(default_factory=list)
    shown: dict = field(default_factory=dict)  # the accepted values, as the form shows them

    def args(self, **changes) -> dict:
        """The query string of this list with ``changes`` (for the page links)."""
        values = {**self.shown, **changes}
        return {k: v for k, v in values.items() if v not in (None, "")}


def read(args, roots: list[Organization], present_types: list[str]) -> Query:
    """Read who / object_type / object_id / action / from / to / org / before / after."""
    q = Query()
    _person(q, args.get("who", "").strip())
    _object(q, args.get("object_type", ""), args.get("object_id", "").strip(), present_types)
    _action(q, args.get("action", ""))
    _dates(q, args.get("from", "").strip(), args.get("to", "").strip())
    _org(q, args.get("org", "").strip(), roots)
    _cursor(q, args.get("before", ""), args.get("after", ""))
    return q


def _person(q: Query, text: str) -> None:
    if not text:
        return
    if len(text) > MAX_PERSON or has_control_characters(text):
        q.problems.append(_("“人员”须为用户名或姓名（不超过 %(n)s 个字），已忽略该条件。", n=MAX_PERSON))
        return
    q.filters.person = q.shown["who"] = text


def _object(q: Query, kind: str, raw_id: str, present_types: list[str]) -> None:
    if kind and kind not in OBJECT_TYPES and kind not in present_types:
        q.problems.append(_("没有这种对象类型，已忽略“对象类型”条件。"))
        kind = ""
    if kind:
        q.filters.object_type = q.shown["object_type"] = kind
    if not raw_id:
        return
    if _id(raw_id) is None:
        q.problems.append(_("“对象编号”须为正整数，已忽略。"))
    elif not kind:
        q.problems.append(_("按编号查找须同时选择对象类型，已忽略“对象编号”。"))
    else:
        q.filters.object_id = q.shown["object_id"] = _id(raw_id)


def _action(q: Query, action: str) -> None:
    if not action:
        return
    if action not in ACTIONS:
        q.problems.append(_("没有这种操作，已忽略“操作”条件。"))
        return
    q.filters.action = q.shown["action"] = action


def _dates(q: Query, raw_from: str, raw_to: str) -> None:
    first = _day(q, raw_from, _("起始日期"))
    last = _day(q, raw_to, _("截止日期"))
    if first and last and first > last:
        q.problems.append(_("起始日期晚于截止日期，已忽略日期条件。"))
        return
    if first:
        q.filters.since = beijing_midnight(first)
        q.shown["from"] = first.isoformat()
    if last:
        q.filters.until = beijing_midnight(last + timedelta(days=1))
        q.shown["to"] = last.isoformat()


def _day(q: Query, raw: str, name: str) -> date | None:
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        q.problems.append(_("“%(name)s”无法识别（应为 2026-07-01 这样的日期），已忽略。", name=name))
        return None
    if not FIRST_DAY <= day <= LAST_DAY:
        q.problems.append(_("“%(name)s”须在 2000 年至 2099 年之间，已忽略。", name=name))
        return None
    return day


def _org(q: Query, raw: str, roots: list[Organization]) -> None:
    if not raw:
        return
    org_id = _id(raw)
    org = db.session.get(Organization, org_id) if org_id is not None else None
    if org is None or not any(org.is_within(r) for r in roots):
        q.problems.append(_("所选组织不存在或不在您的管理范围内，已显示全部范围。"))
        return
    q.filters.org = org
    q.shown["org"] = org.id


def _id(raw: str) -> int | None:
    """A database id typed as ASCII digits, or None ("１２", "²", "-1" and 10**20 are not)."""
    if raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_ID:
        return int(raw)
    return None


def _cursor(q: Query, before: str, after: str) -> None:
    try:
        if before:
            q.before = Cursor.parse(before)
        elif after:
            q.after = Cursor.parse(after)
    except ValueError:
        q.problems.append(_("翻页参数无法识别，已从最新的记录显示。"))

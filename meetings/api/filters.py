"""The filters of ``GET /meetings``: ``org``, ``type``, ``period``, ``status`` as SQL conditions."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from meetings.api.auth import caller
from meetings.api.params import MAX_ID, Args
from meetings.domain.periods import PeriodError, parse
from meetings.domain.terms import MeetingStatus
from meetings.extensions import db
from meetings.models import Meeting, MeetingType, Organization
from meetings.policy import Action, can

NO_ORG = _l("没有这个组织，或您无权查看。")


def meeting_filters(args: Args) -> list:
    """Conditions for the filters given (bad values are collected in ``args``)."""
    return [c for c in (org_condition(args, Meeting.organization_id), _type(args), _period(args),
                        _status(args)) if c is not None]


def org_condition(args: Args, column):
    """``?org=ID``: ``column`` (an organization id) lies in that unit's subtree."""
    org_id = args.integer("org", None, 1, MAX_ID, _l("org 须为组织的 id（正整数）。"))
    if org_id is None:
        return None
    org = db.session.get(Organization, org_id)
    # A unit out of view reads as one that does not exist: ids are not to be probed.
    if org is None or not can(caller(), Action.VIEW_ORG, org):
        args.fail("org", NO_ORG)
        return None
    subtree = sa.select(Organization.id).where(Organization.in_subtree(org))
    return column.in_(subtree)


def type_id(args: Args) -> int | None:
    """The meeting type named by ``?type=<code>``; an unknown code is a 422 on ``type``."""
    code = args.text("type")
    if not code:
        return None
    known = db.session.scalar(sa.select(MeetingType.id).where(MeetingType.code == code))
    if known is None:
        args.fail("type", _l("没有代码为“%(code)s”的会议类型。", code=code[:40]))
    return known


def _type(args: Args):
    known = type_id(args)
    return None if known is None else Meeting.types.any(MeetingType.id == known)


def _period(args: Args):
    """``2026``, ``2026-Q2`` or ``2026-05``: meetings starting in its Beijing days."""
    key = args.text("period")
    if not key:
        return None
    try:
        start, end = parse(key).utc_bounds()
    except PeriodError:
        args.fail("period", _l("考核周期应写作 2026、2026-Q2 或 2026-05。"))
        return None
    return sa.and_(Meeting.starts_at >= start, Meeting.starts_at < end)


def _status(args: Args):
    status = args.text("status")
    if not status:
        return None
    if status not in {s.value for s in MeetingStatus}:
        args.fail("status", _l("状态只能是 scheduled、held 或 cancelled。"))
        return None
    return Meeting.status == MeetingStatus(status)

"""``/compliance`` and ``/requirements``: the 考核 numbers of a unit, and the rules behind them."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from meetings.api import bp
from meetings.api.access import allowed, visible
from meetings.api.auth import caller
from meetings.api.compliance_shapes import branch, matrix
from meetings.api.filters import type_id as requested_type
from meetings.api.output import json_response
from meetings.api.params import MAX_ID, Args, listing, page_args
from meetings.api.problems import ApiProblem
from meetings.api.shapes import requirement as requirement_shape
from meetings.domain.periods import Period, PeriodError, parse
from meetings.domain.scheduling import BEIJING, local_date
from meetings.domain.terms import OrgKind, PeriodKind
from meetings.extensions import db
from meetings.models import Organization, Requirement, utcnow
from meetings.policy import Action, scope_roots
from meetings.services import compliance as dashboards
from meetings.services.compliance import branch as compliance_branch
from meetings.web.compliance.params import FIRST_YEAR

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


@bp.get("/compliance")
def compliance():
    """The dashboard of ``org`` (default: the caller's first unit) for ``period`` (default: the
    year of ``as_of``), as it stood at the end of ``as_of`` (default: now): what had been recorded
    by then, so a past 通报 comes out as it was."""
    args = Args()
    now, past = _moment(args, utcnow())
    span = _span(args, local_date(now))
    type_id = requested_type(args)
    org_id = args.integer("org", None, 1, MAX_ID, _l("org 须为组织的 id（正整数）。"))
    args.check()
    org = _scope(org_id)
    if org.kind == OrgKind.BRANCH:
        return json_response(branch(compliance_branch.report(org, span, now, type_id, as_of=past)))
    return json_response(matrix(dashboards.dashboard(org, span, now, type_id=type_id, as_of=past)))


def _moment(args: Args, now: datetime) -> tuple[datetime, bool]:
    """(the moment to judge at, whether it is a past one): the end of ``as_of`` (a Beijing date)."""
    raw, today = args.text("as_of"), local_date(now)
    if not raw:
        return now, False
    try:  # YYYY-MM-DD only: fromisoformat would also take 20261130 and +2026-11-30
        day = date.fromisoformat(raw) if ISO_DAY.fullmatch(raw) else None
    except ValueError:
        day = None
    if day is None or not date(FIRST_YEAR, 1, 1) <= day <= today:
        args.fail("as_of", _l("as_of 须为 %(first)s-01-01 至今天之间的日期，写作 2026-09-30。",
                              first=FIRST_YEAR))
        return now, False
    if day == today:
        return now, False
    return datetime.combine(day, time(23, 59, 59), tzinfo=BEIJING).astimezone(UTC), True


def _span(args: Args, today) -> Period:
    key = args.text("period")
    if not key:
        return Period(PeriodKind.YEAR, today.year)
    try:
        span = parse(key)
    except PeriodError:
        args.fail("period", _l("考核周期应写作 2026、2026-Q2 或 2026-05。"))
        return Period(PeriodKind.YEAR, today.year)
    if span.year < FIRST_YEAR or span.first_day > today:
        args.fail("period", _l("考核周期须在 %(first)s 年以后，且已经开始。", first=FIRST_YEAR))
    return span


def _scope(org_id: int | None) -> Organization:
    """The unit asked for (404 out of view, 403 without 考核 rights), a group judged in its branch."""
    if org_id is None:
        roots = scope_roots(caller(), Action.VIEW_COMPLIANCE)
        if not roots:
            raise ApiProblem(403)
        return roots[0]
    org = visible(db.session.get(Organization, org_id), Action.VIEW_ORG)
    allowed(Action.VIEW_COMPLIANCE, org)
    return org.parent if org.kind == OrgKind.PARTY_GROUP else org


@bp.get("/requirements")
def requirements():
    """Every version of every requirement (考核要求), for those who see any 考核 numbers."""
    args = Args()
    page = page_args(args)
    args.check()
    if not scope_roots(caller(), Action.VIEW_COMPLIANCE):
        raise ApiProblem(403)
    today = local_date(utcnow())
    query = sa.select(Requirement).options(joinedload(Requirement.meeting_type))
    return listing(query, Requirement.id, page, lambda rows: [requirement_shape(r, today) for r in rows])

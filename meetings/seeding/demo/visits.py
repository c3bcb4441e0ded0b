"""Demo: 督导记录 — the liaison's visit to the demo branch ten days ago (two findings, one listed
as the branch's 整改事项, still open), and a check of the liaison's 机关党委 six weeks ago whose
finding about another branch became a 整改事项 that branch has since closed. Made through the
services, as a liaison would."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from meetings.domain.scheduling import local_date
from meetings.domain.terms import OrgKind, Role
from meetings.domain.visits import VisitKind
from meetings.extensions import db
from meetings.models import Organization, Person, RoleAssignment, Visit
from meetings.seeding.demo.data import DEMO_BRANCH
from meetings.seeding.demo.notices import secretary_of
from meetings.services import actions, orgs, scheduling
from meetings.services.supervision import visits


def seed_visits(now: datetime) -> int:
    """The two records above, unless the demo has visits already; returns how many were made."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Visit)):
        return 0
    liaison = db.session.scalar(sa.select(Person).where(Person.login == "liaison"))
    unit = _liaison_unit(liaison)
    if unit is None:
        return 0
    branches = orgs.branches_under(unit)
    demo = next((b for b in branches if b.name == DEMO_BRANCH), branches[0] if branches else None)
    other = next((b for b in branches if b is not demo), None)
    if demo is None:
        return 0
    _visit_the_branch(liaison, demo, now)
    if other is not None:
        _check_the_unit(liaison, unit, other, now)
    return 1 + (other is not None)


def _liaison_unit(liaison: Person | None) -> Organization | None:
    if liaison is None:
        return None
    held = sa.select(RoleAssignment.organization_id).where(RoleAssignment.person_id == liaison.id,
                                                           RoleAssignment.role == Role.LIAISON)
    return db.session.scalar(sa.select(Organization).where(Organization.id.in_(held),
                                                           Organization.kind != OrgKind.BRANCH).limit(1))


def _visit_the_branch(liaison: Person, branch: Organization, now: datetime) -> None:
    when = now - timedelta(days=10)
    visit = visits.record_visit(
        liaison, branch, visited_on=local_date(when), kind=VisitKind.ON_SITE,
        checked=["meetings", "minutes", "ledgers"], now=when,
        summary="到支部实地查看了本年度“三会一课”开展情况，抽查了 6 次会议的记录和签到表，"
                "听取了支部书记关于主题党日安排的汇报。会议总体按计划召开，记录较规范。")
    late = visits.add_finding(liaison, visit, branch, "第三季度支部委员会有一次会议记录未在 7 日内定稿。",
                              when)
    visits.add_finding(liaison, visit, branch, "党小组会签到表有两次未附在会议记录后。", when)
    owner = secretary_of(branch) or scheduling.branch_people(branch)[0]
    actions.raise_from_finding(liaison, late, text="建立会议记录定稿提醒，由组织委员在会后 7 日内完成定稿。",
                               owner_id=owner.id, due_on=local_date(now) + timedelta(days=20), now=when)


def _check_the_unit(liaison: Person, unit: Organization, branch: Organization, now: datetime) -> None:
    when = now - timedelta(days=42)
    visit = visits.record_visit(
        liaison, unit, visited_on=local_date(when), kind=VisitKind.DESK, checked=["minutes", "actions"],
        now=when, summary="通过系统查阅了各党支部上半年的会议记录和整改事项落实情况。")
    finding = visits.add_finding(liaison, visit, branch, "上半年主题党日有一个月未开展，也未说明原因。", when)
    owner = secretary_of(branch) or scheduling.branch_people(branch)[0]
    item = actions.raise_from_finding(liaison, finding, text="补开主题党日并在支部委员会上说明情况。",
                                      owner_id=owner.id, due_on=local_date(when) + timedelta(days=30),
                                      now=when)
    actions.close_action_item(owner, item, "已于次月补开主题党日，情况说明已在支委会上通报并存档。",
                              when + timedelta(days=18))

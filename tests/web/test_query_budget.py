"""DESIGN §7: any page issues at most 20 SQL statements, on the full demo organization."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetings.domain.scheduling import local_date
from meetings.domain.terms import OrgKind
from meetings.extensions import db
from meetings.models import ActionItem, Meeting, Organization, Person, Visit
from meetings.services import actions
from tests.fixed_time import TEST_NOW

BUDGET = 20


@pytest.fixture
def demo(shared_demo, ctx):
    """The shared demo seed, plus four action items on one of its meetings (added once)."""
    branch = db.session.scalar(sa.select(Organization).where(Organization.name == "办公室党支部"))
    root = db.session.scalar(sa.select(Organization).where(Organization.kind == OrgKind.COMMITTEE))
    person = db.session.scalar(sa.select(Person).where(Person.login == "member"))
    meeting = db.session.scalar(sa.select(Meeting).where(Meeting.organization_id == branch.id)
                                .order_by(Meeting.id).limit(1))
    visit = db.session.scalar(sa.select(Visit).where(Visit.organization_id == branch.id))
    ids = {"branch": branch.id, "root": root.id, "pc": branch.parent_id, "person": person.id,
           "meeting": meeting.id, "item": _action_items(meeting, person)[0].id, "visit": visit.id}
    db.session.remove()
    return ids


def _action_items(meeting, member) -> list:
    """Four 整改事项 on the meeting: two of ``member``'s (one overdue), one closed, one else's."""
    kept = db.session.scalars(sa.select(ActionItem).where(ActionItem.meeting_id == meeting.id)
                              .order_by(ActionItem.id)).all()
    if kept:
        return kept
    secretary = db.session.scalar(sa.select(Person).where(Person.login == "secretary"))
    now, day = TEST_NOW, local_date(meeting.starts_at)
    items = [actions.add_action_item(secretary, meeting, text=f"整改事项{n}", owner_id=owner.id,
                                     due_on=day + timedelta(days=30 * n), now=now)
             for n, owner in enumerate([member, member, secretary, secretary], start=1)]
    items[1].due_on = local_date(now) - timedelta(days=3)  # overdue, whenever the demo meeting is
    actions.close_action_item(secretary, items[3], "已完成整改", now)
    db.session.commit()
    return items


def pages(d: dict) -> list[str]:
    return ["/", "/orgs", f"/orgs/{d['root']}", f"/orgs/{d['pc']}", f"/orgs/{d['branch']}",
            f"/people/{d['person']}", f"/people/{d['person']}/edit", f"/branches/{d['branch']}/officers",
            f"/branches/{d['branch']}/members/new", f"/branches/{d['branch']}/import",
            f"/orgs/{d['root']}/roles", "/account/password", f"/branches/{d['branch']}/meetings",
            f"/branches/{d['branch']}/meetings/new", f"/meetings/{d['meeting']}",
            f"/meetings/{d['meeting']}/edit", f"/branches/{d['branch']}/actions",
            f"/actions/{d['item']}/close", f"/actions/{d['item']}/edit",
            "/calendar", f"/meetings/{d['meeting']}.ics", "/meeting-types/",
            "/compliance", f"/compliance?org={d['root']}", f"/compliance?org={d['pc']}",
            f"/compliance?org={d['branch']}", f"/compliance?org={d['pc']}&period=2026-Q2&only=missed",
            "/compliance/absences", "/requirements", "/campaigns", "/audit", "/account/tokens",
            "/visits", f"/visits/{d['visit']}", f"/visits/{d['visit']}/print", "/worklist", "/notices"]


@pytest.mark.shares_demo
@pytest.mark.parametrize("login", ["admin", "liaison", "secretary", "member"])
def test_every_page_stays_within_the_statement_budget(app, client, demo, login):
    client.post("/login", data={"login": login, "password": "orglife-demo"})
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    over, seen = {}, {}
    for url in pages(demo):
        statements.clear()
        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            status = client.get(url).status_code
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
        assert status < 500, url
        seen[url] = len(statements)
        if len(statements) > BUDGET:
            over[url] = len(statements)
    assert over == {}
    assert min(seen.values()) >= 1  # the counter really sees the page's queries

"""DESIGN §7: any page issues at most 20 SQL statements, on the full demo organization."""
import pytest
import sqlalchemy as sa

from meetings.domain.terms import OrgKind
from meetings.extensions import db
from meetings.models import Meeting, Organization, Person
from meetings.services.demo import seed_demo

BUDGET = 20


@pytest.fixture
def demo(ctx):
    seed_demo()
    db.session.commit()
    branch = db.session.scalar(sa.select(Organization).where(Organization.name == "办公室党支部"))
    root = db.session.scalar(sa.select(Organization).where(Organization.kind == OrgKind.COMMITTEE))
    person = db.session.scalar(sa.select(Person).where(Person.login == "member"))
    meeting = db.session.scalar(sa.select(Meeting).where(Meeting.organization_id == branch.id)
                                .order_by(Meeting.id).limit(1))
    return {"branch": branch.id, "root": root.id, "pc": branch.parent_id, "person": person.id,
            "meeting": meeting.id}


def pages(d: dict) -> list[str]:
    return ["/", "/orgs", f"/orgs/{d['root']}", f"/orgs/{d['pc']}", f"/orgs/{d['branch']}",
            f"/people/{d['person']}", f"/people/{d['person']}/edit", f"/branches/{d['branch']}/officers",
            f"/branches/{d['branch']}/members/new", f"/branches/{d['branch']}/import",
            f"/orgs/{d['root']}/roles", "/account/password", f"/branches/{d['branch']}/meetings",
            f"/branches/{d['branch']}/meetings/new", f"/meetings/{d['meeting']}",
            f"/meetings/{d['meeting']}/edit",
            "/calendar", f"/meetings/{d['meeting']}.ics", "/meeting-types/"]


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

"""Home pages by role, and the per-unit counts officers see."""
import sqlalchemy as sa

from meetings.domain.terms import PersonCategory, PersonStatus
from meetings.extensions import db
from meetings.services import overview
from tests.builders import make_person


def test_breakdown_counts_each_sub_unit_with_a_fixed_number_of_queries(world):
    make_person(world.a2, "预备甲", category=PersonCategory.PROBATIONARY)
    make_person(world.b1, "流动乙", status=PersonStatus.AWAY)
    make_person(world.b1, "转出丙", status=PersonStatus.TRANSFERRED_OUT)
    db.session.commit()
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        rows = {r.unit.name: r for r in overview.breakdown(world.root)}
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    pc_a, pc_b = rows["省发改委机关党委"], rows["省财政厅机关党委"]
    assert (pc_a.branches, pc_a.members, pc_a.probationary, pc_a.without_committee) == (2, 5, 1, 1)
    assert (pc_b.branches, pc_b.members, pc_b.not_expected, pc_b.without_committee) == (1, 2, 1, 1)
    assert len(statements) <= 5


def test_admin_home_lists_party_committees_with_counts(client, auth, world):
    auth.login("admin")
    page = client.get("/").get_data(as_text=True)
    assert "管辖范围" in page and "省直机关工委" in page and "督导工作台" in page
    # The headcounts by sub-unit moved to the unit's own page, one click away.
    assert f"/orgs/{world.root.id}" in page
    unit = client.get(f"/orgs/{world.root.id}").get_data(as_text=True)
    assert "省发改委机关党委" in unit and "未设支委" in unit


def test_liaison_home_shows_assigned_units_only(client, auth, world):
    auth.login("liaison")
    page = client.get("/").get_data(as_text=True)
    assert "省发改委机关党委" in page and "督导工作台" in page and "省财政厅机关党委" not in page


def test_secretary_home_shows_the_branch_desk(client, auth, world):
    auth.login("secretary")
    page = client.get("/").get_data(as_text=True)
    assert "导入名册" in page and "安排会议" in page
    assert "本月及近期会议" in page and "待审批的请假" in page and "未回复的邀请" in page


def test_member_home_shows_own_branch_and_committee(client, auth, world):
    auth.login("member")
    page = client.get("/").get_data(as_text=True)
    assert "办公室党支部" in page and "书记：张书记" in page
    assert "管辖范围" not in page and "导入名册" not in page


def test_party_committee_page_shows_sub_unit_counts_to_liaison(client, auth, world):
    auth.login("liaison")
    page = client.get(f"/orgs/{world.pc_a.id}").get_data(as_text=True)
    assert "规划处党支部" in page and "在册人数" in page

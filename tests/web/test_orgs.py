"""The organization tree through the pages: create, rename, move, deactivate."""
import sqlalchemy as sa

from meetings.domain.terms import OrgKind
from meetings.extensions import db
from meetings.models import AuditEvent, Organization


def fresh(model, oid):
    db.session.expire_all()
    return db.session.get(model, oid)


def test_tree_page_shows_the_whole_scope_to_admin(client, auth, world):
    auth.login("admin")
    page = client.get("/orgs").get_data(as_text=True)
    for name in ("省直机关工委", "综合党总支", "预算处党支部"):
        assert name in page


def test_liaison_tree_is_limited_to_assigned_units(client, auth, world):
    auth.login("liaison")
    page = client.get("/orgs").get_data(as_text=True)
    assert "办公室党支部" in page and "预算处党支部" not in page


def test_admin_creates_a_branch_and_it_is_audited(client, auth, world):
    auth.login("admin")
    response = client.post(f"/orgs/{world.pc_a.id}/new", data={"name": "人事处党支部", "kind": "branch"})
    assert response.status_code == 302
    org = db.session.scalar(sa.select(Organization).where(Organization.name == "人事处党支部"))
    assert org.path == f"{world.pc_a.path}{org.id}/" and org.depth == 2
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "org.create",
                                                         AuditEvent.object_id == org.id))


def test_create_with_empty_name_or_bad_kind_explains(client, auth, world):
    auth.login("admin")
    page = client.post(f"/orgs/{world.pc_a.id}/new", data={"name": "", "kind": "committee"}).get_data(
        as_text=True)
    assert "请填写组织名称" in page
    assert "Not a valid choice" not in page or "不是有效的选择" in page


def test_secretary_may_add_party_groups_only(client, auth, world):
    auth.login("secretary")
    assert client.post(f"/orgs/{world.a1.id}/new", data={"name": "第三党小组", "kind": "party_group"}
                       ).status_code == 302
    assert client.get(f"/orgs/{world.pc_a.id}/new").status_code == 403


def test_move_carries_the_subtree(client, auth, world):
    auth.login("admin")
    response = client.post(f"/orgs/{world.a1.id}/edit", data={"name": "办公室党支部",
                                                             "parent_id": world.general.id})
    assert response.status_code == 302
    a1, g1 = fresh(Organization, world.a1.id), fresh(Organization, world.g1.id)
    assert a1.path == f"{world.general.path}{a1.id}/"
    assert g1.path == f"{a1.path}{g1.id}/" and g1.depth == a1.depth + 1


def test_cannot_move_under_own_descendant(client, auth, world):
    auth.login("admin")
    page = client.post(f"/orgs/{world.pc_b.id}/edit", data={"name": "x", "parent_id": world.general.id}
                       ).get_data(as_text=True)
    assert fresh(Organization, world.pc_b.id).name == "省财政厅机关党委"
    assert "不是有效的选择" in page or "不能把组织移到" in page


def test_branch_with_members_cannot_be_deactivated(client, auth, world):
    auth.login("admin")
    page = client.post(f"/orgs/{world.a1.id}/deactivate", follow_redirects=True).get_data(as_text=True)
    assert "请先撤销或移走它的下级组织" in page
    assert fresh(Organization, world.a1.id).is_active


def test_party_group_deactivation_keeps_history_and_can_be_undone(client, auth, world):
    auth.login("admin")
    client.post(f"/orgs/{world.g2.id}/deactivate")
    g2 = fresh(Organization, world.g2.id)
    assert not g2.is_active and g2.deactivated_at is not None
    assert "已撤销" in client.get(f"/orgs/{world.a1.id}").get_data(as_text=True)
    auth.logout()
    auth.login("member")
    assert "第二党小组" not in client.get(f"/orgs/{world.a1.id}").get_data(as_text=True)
    auth.logout()
    auth.login("admin")
    client.post(f"/orgs/{world.g2.id}/reactivate")
    assert fresh(Organization, world.g2.id).is_active


def test_root_cannot_be_deactivated(client, auth, world):
    auth.login("admin")
    client.post(f"/orgs/{world.root.id}/deactivate")
    assert fresh(Organization, world.root.id).is_active
    assert fresh(Organization, world.root.id).kind == OrgKind.COMMITTEE


def test_tree_stops_at_branches_above_a_branch_but_not_within_one(client, auth, world):
    auth.login("admin")
    assert "第二党小组" not in client.get("/orgs").get_data(as_text=True)
    auth.logout()
    auth.login("secretary")
    page = client.get("/orgs").get_data(as_text=True)
    assert "第二党小组" in page and "规划处党支部" not in page

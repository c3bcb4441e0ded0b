"""Committee-level roles on units above the branch, and accounts for committee officers."""
import sqlalchemy as sa

from meetings.domain.terms import Role
from meetings.extensions import db
from meetings.models import AuditEvent, Person, RoleAssignment

OFFICER = {"officer-name": "郑联络", "officer-login": "zheng", "officer-email": "zheng@example.org",
           "officer-password": "a-long-password", "officer-role": "liaison"}


def test_admin_opens_a_liaison_account_that_sees_only_its_unit(client, auth, world):
    auth.login("admin")
    response = client.post(f"/orgs/{world.pc_b.id}/roles/officer", data=OFFICER)
    assert response.status_code == 302
    person = db.session.scalar(sa.select(Person).where(Person.login == "zheng"))
    assert person.branch_id is None
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "person.create_officer"))
    auth.logout()
    assert auth.login("zheng", "a-long-password").status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "省财政厅机关党委" in page and "省发改委机关党委" not in page
    # 404: they cannot see a1's objects at all (no existence oracle)
    assert client.get(f"/orgs/{world.a1.id}").status_code == 404
    assert client.get(f"/people/{world['b_member'].id}/edit").status_code == 403


def test_officer_form_errors_keep_input_and_write_nothing(client, auth, world):
    auth.login("admin")
    data = OFFICER | {"officer-login": "member", "officer-password": "short"}
    page = client.post(f"/orgs/{world.pc_b.id}/roles/officer", data=data).get_data(as_text=True)
    assert "12 到 128" in page and 'value="郑联络"' in page
    page = client.post(f"/orgs/{world.pc_b.id}/roles/officer",
                       data=OFFICER | {"officer-login": "member"}).get_data(as_text=True)
    assert "用户名已被使用" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person).where(
        Person.name == "郑联络")) == 0


def test_grant_by_login_and_revoke(client, auth, world):
    auth.login("admin")
    page = client.post(f"/orgs/{world.pc_b.id}/roles/grant",
                       data={"grant-login": "nobody", "grant-role": "admin"}).get_data(as_text=True)
    assert "没有找到这个用户名" in page
    client.post(f"/orgs/{world.pc_b.id}/roles/grant", data={"grant-login": "member", "grant-role": "admin"})
    grant = db.session.scalar(sa.select(RoleAssignment).where(
        RoleAssignment.person_id == world["member"].id, RoleAssignment.role == Role.ADMIN))
    assert grant.organization_id == world.pc_b.id
    assert "刘党员" in client.get(f"/orgs/{world.pc_b.id}").get_data(as_text=True)
    grant_id = grant.id
    response = client.post(f"/roles/{grant_id}/revoke")
    assert response.headers["Location"].endswith(f"/orgs/{world.pc_b.id}/roles")
    db.session.expire_all()
    assert db.session.get(RoleAssignment, grant_id) is None


def test_branches_have_no_committee_roles_page(client, auth, world):
    auth.login("admin")
    assert client.get(f"/orgs/{world.a1.id}/roles").status_code == 404


def test_admin_cannot_revoke_own_admin_role(client, auth, world):
    auth.login("admin")
    grant = db.session.scalar(sa.select(RoleAssignment).where(
        RoleAssignment.person_id == world["admin"].id))
    page = client.post(f"/roles/{grant.id}/revoke", follow_redirects=True).get_data(as_text=True)
    assert "不能收回自己的管理员角色" in page
    db.session.expire_all()
    assert db.session.get(RoleAssignment, grant.id) is not None

"""A branch roster through the pages: add, edit, standing, transfers, committee and roles."""
import sqlalchemy as sa

from meetings.domain.terms import PersonCategory, PersonStatus, Role, TransferStatus
from meetings.extensions import db
from meetings.models import CommitteeSeat, Person, RoleAssignment, Transfer

NEW_MEMBER = {"name": "孙新党员", "category": "probationary", "status": "active", "party_group_id": "",
              "phone": "139 0000 1111", "email": "sun@example.org", "login": "", "password": "", "note": ""}


def find(name: str) -> Person | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Person).where(Person.name == name))


def test_secretary_adds_a_member(client, auth, world):
    auth.login("secretary")
    response = client.post(f"/branches/{world.a1.id}/members/new",
                           data=NEW_MEMBER | {"party_group_id": str(world.g2.id)})
    assert response.status_code == 302
    person = find("孙新党员")
    assert person.branch_id == world.a1.id and person.party_group_id == world.g2.id
    assert person.category == PersonCategory.PROBATIONARY and person.phone == "13900001111"
    assert "孙新党员" in client.get(f"/orgs/{world.a1.id}").get_data(as_text=True)


def test_bad_input_is_explained_next_to_fields_and_kept(client, auth, world):
    auth.login("secretary")
    data = NEW_MEMBER | {"name": "", "phone": "12345", "email": "not-an-email", "login": "member"}
    page = client.post(f"/branches/{world.a1.id}/members/new", data=data).get_data(as_text=True)
    assert "请填写姓名" in page and "手机号码格式不正确" in page and "邮箱地址格式不正确" in page
    assert 'value="not-an-email"' in page
    assert find("") is None


def test_duplicate_login_is_refused(client, auth, world):
    auth.login("secretary")
    page = client.post(f"/branches/{world.a1.id}/members/new", data=NEW_MEMBER | {"login": "member"}
                       ).get_data(as_text=True)
    assert "用户名已被使用" in page and find("孙新党员") is None


def test_party_group_of_another_branch_is_refused(client, auth, world):
    auth.login("admin")
    page = client.post(f"/people/{world['other_secretary'].id}/edit",
                       data=NEW_MEMBER | {"name": "陈书记", "party_group_id": str(world.g1.id)}
                       ).get_data(as_text=True)
    assert "不是有效的选择" in page or "不属于本支部" in page
    assert find("陈书记").party_group_id is None


def test_marking_standing_from_the_card(client, auth, world):
    auth.login("secretary")
    client.post(f"/people/{world['member'].id}/status", data={"status": "exempt"})
    assert find("刘党员").status == PersonStatus.EXEMPT
    response = client.post(f"/people/{world['member'].id}/status", data={"status": "bogus"},
                           follow_redirects=True)
    assert "未知的状态" in response.get_data(as_text=True)


def test_transfer_waits_for_the_receiving_branch(client, auth, world):
    auth.login("secretary")
    client.post(f"/people/{world['member'].id}/transfer", data={"to_branch_id": world.a2.id, "note": "调动"})
    transfer = db.session.scalar(sa.select(Transfer))
    assert transfer.status == TransferStatus.PENDING and find("刘党员").branch_id == world.a1.id
    auth.logout()
    auth.login("other_secretary")
    assert "刘党员" in client.get("/").get_data(as_text=True)
    assert "待接收的转入党员" in client.get(f"/orgs/{world.a2.id}").get_data(as_text=True)
    client.post(f"/transfers/{transfer.id}/decide", data={"decision": "accept"})
    moved = find("刘党员")
    assert moved.branch_id == world.a2.id and moved.party_group_id is None


def test_transfer_to_own_branch_is_refused(client, auth, world):
    auth.login("secretary")
    page = client.post(f"/people/{world['member'].id}/transfer", data={"to_branch_id": world.a1.id}
                       ).get_data(as_text=True)
    assert "不是有效的选择" in page or "已在这个支部" in page
    assert db.session.scalar(sa.select(Transfer)) is None


def test_accepted_transfer_ends_roles_and_seat_in_old_branch(client, auth, world):
    auth.login("admin")
    client.post(f"/people/{world['secretary'].id}/transfer", data={"to_branch_id": world.a2.id})
    transfer = db.session.scalar(sa.select(Transfer))
    client.post(f"/transfers/{transfer.id}/decide", data={"decision": "accept"})
    db.session.expire_all()
    assert db.session.scalar(sa.select(CommitteeSeat).where(
        CommitteeSeat.person_id == world["secretary"].id)) is None
    assert db.session.scalar(sa.select(RoleAssignment).where(
        RoleAssignment.person_id == world["secretary"].id)) is None


def test_committee_seat_needs_a_full_member(client, auth, world):
    auth.login("secretary")
    client.post(f"/people/{world['member'].id}/edit", data=NEW_MEMBER | {"name": "刘党员"})
    page = client.post(f"/branches/{world.a1.id}/officers/seats",
                       data={"seat-person_id": world["member"].id, "seat-title": "propaganda"}
                       ).get_data(as_text=True)
    assert "支委委员应为正式党员" in page


def test_secretary_grants_recorder_but_not_admin(client, auth, world):
    auth.login("secretary")
    response = client.post(f"/branches/{world.a1.id}/officers/roles",
                           data={"role-person_id": world["member"].id, "role-role": "recorder"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(RoleAssignment).where(
        RoleAssignment.person_id == world["member"].id, RoleAssignment.role == Role.RECORDER))
    response = client.post(f"/branches/{world.a1.id}/officers/roles",
                           data={"role-person_id": world["member"].id, "role-role": "admin"})
    assert response.status_code == 400


def test_person_card_shows_who_changed_what(client, auth, world):
    auth.login("secretary")
    client.post(f"/people/{world['member'].id}/status", data={"status": "away"})
    client.post(f"/people/{world['member'].id}/edit",
                data=NEW_MEMBER | {"name": "刘党员", "category": "full"})
    page = client.get(f"/people/{world['member'].id}").get_data(as_text=True)
    assert "变更记录" in page and "张书记" in page
    assert "正常 → 流动党员" in page and "手机" in page
    auth.logout()
    auth.login("member")
    assert "变更记录" not in client.get(f"/people/{world['member'].id}").get_data(as_text=True)


def test_unit_page_shows_its_history_to_managers(client, auth, world):
    auth.login("admin")
    client.post(f"/orgs/{world.a2.id}/edit", data={"name": "规划处第一党支部", "parent_id": world.pc_a.id})
    page = client.get(f"/orgs/{world.a2.id}").get_data(as_text=True)
    assert "规划处党支部 → 规划处第一党支部" in page

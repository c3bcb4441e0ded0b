"""Nobody changes the password, login, status or branch of a person holding a role they could
not have granted (issue 14, High 2): a branch secretary cannot take over a member who is an
administrator at the root, nor a subtree administrator a higher one — on every person-changing
route, pages and API. Who may grant the person's roles still may."""
import pytest
import sqlalchemy as sa

from meetings.domain.terms import PersonStatus, Role
from meetings.extensions import db
from meetings.models import Person, Transfer
from meetings.policy import Action, can, outranks
from meetings.services import accounts, roster
from tests.api_client import bearer
from tests.builders import PASSWORD, make_person
from tests.web.test_roster import NEW_MEMBER

API = "/api/v1"


@pytest.fixture
def higher(world):
    """刘干部: a member of branch a1 (the secretary's roster) who is an administrator at the root,
    and 吴管理, an administrator of 党委A only (a subtree)."""
    person = make_person(world.a1, "刘干部", login="cadre", email="cadre@example.org")
    roster.assign_role(None, person, world.root, Role.ADMIN)
    sub_admin = make_person(world.a1, "吴管理", login="sub_admin", email="sub@example.org")
    roster.assign_role(None, sub_admin, world.pc_a, Role.ADMIN)
    db.session.commit()
    return {"cadre": person, "sub_admin": sub_admin}


def snapshot(person: Person) -> tuple:
    db.session.expire_all()
    fresh = db.session.get(Person, person.id)
    return fresh.login, fresh.password_hash, fresh.status, fresh.branch_id, fresh.name


TAKEOVERS = [  # (what, method, path, form) on the page routes that change a person
    ("password", "post", "/people/{id}/edit", NEW_MEMBER | {"name": "刘干部", "login": "cadre",
                                                         "password": "a-new-password-1"}),
    ("login", "post", "/people/{id}/edit", NEW_MEMBER | {"name": "刘干部", "login": "stolen"}),
    ("status", "post", "/people/{id}/status", {"status": PersonStatus.TRANSFERRED_OUT.value}),
    ("transfer", "post", "/people/{id}/transfer", {"to_branch_id": "0", "note": "x"}),
    ("edit form", "get", "/people/{id}/edit", None),
]


@pytest.mark.parametrize(("what", "method", "path", "form"), TAKEOVERS, ids=[t[0] for t in TAKEOVERS])
@pytest.mark.parametrize(("actor", "target"), [("secretary", "cadre"), ("sub_admin", "cadre")])
def test_a_lower_officer_cannot_change_a_higher_ones_account(client, auth, world, higher, actor, target,
                                                            what, method, path, form):
    subject = higher[target]
    before = snapshot(subject)
    auth.login(actor)
    url = path.format(id=subject.id)
    if what == "transfer":
        form = form | {"to_branch_id": str(world.a2.id)}
    response = client.get(url) if method == "get" else client.post(url, data=form)
    assert response.status_code == 403
    assert snapshot(subject) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Transfer)) == 0


def test_the_secretary_cannot_sign_in_as_the_root_admin_after_trying(client, auth, world, higher):
    """The reported path end to end: set a password, sign in with it, reach /audit."""
    auth.login("secretary")
    client.post(f"/people/{higher['cadre'].id}/edit",
                data=NEW_MEMBER | {"name": "刘干部", "login": "cadre", "password": "a-new-password-1"})
    auth.logout()
    assert auth.login("cadre", "a-new-password-1").status_code == 200  # the form again: refused
    assert client.get("/audit").status_code in (302, 401)


@pytest.mark.parametrize("actor", ["secretary", "sub_admin"])
def test_the_api_refuses_the_same_change(client, world, higher, actor):
    subject = higher["cadre"]
    before = snapshot(subject)
    headers = bearer(higher[actor] if actor in higher else world[actor], read_only=False)
    response = client.patch(f"{API}/people/{subject.id}", headers=headers | {"If-Match": '"x"'},
                            json={"login": "stolen", "status": "transferred_out"})
    assert response.status_code == 403 and response.mimetype == "application/problem+json"
    assert snapshot(subject) == before


def test_the_card_offers_no_account_controls_to_a_lower_officer(client, auth, world, higher):
    auth.login("secretary")
    page = client.get(f"/people/{higher['cadre'].id}").get_data(as_text=True)
    assert f"/people/{higher['cadre'].id}/edit" not in page
    assert f"/people/{world['member'].id}/edit" in client.get(f"/people/{world['member'].id}").get_data(
        as_text=True)


def test_whoever_could_grant_the_roles_still_may(client, auth, world, higher):
    """The root administrator resets the subtree administrator's password; the secretary still
    edits the branch's plain members and its recorder (roles the secretary grants)."""
    auth.login("admin")
    response = client.post(f"/people/{higher['sub_admin'].id}/edit",
                           data=NEW_MEMBER | {"name": "吴管理", "login": "sub_admin",
                                              "password": "reset-by-root-1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert accounts.authenticate("sub_admin", "reset-by-root-1") is not None
    db.session.rollback()  # end the read: SQLite lets no one write past an open one
    auth.logout()
    auth.login("secretary")
    for login in ("member", "recorder"):
        response = client.post(f"/people/{world[login].id}/status", data={"status": PersonStatus.AWAY.value})
        assert response.status_code == 302, login
        db.session.expire_all()
        assert db.session.get(Person, world[login].id).status == PersonStatus.AWAY
        db.session.rollback()


def test_the_rule_in_the_policy(world, higher):
    """One rule for every role pair: outranks() is "could grant each of the subject's roles"."""
    secretary, cadre, sub_admin = world["secretary"], higher["cadre"], higher["sub_admin"]
    assert outranks(secretary, world["member"]) and outranks(secretary, world["recorder"])
    assert outranks(secretary, secretary)  # their own card
    assert not outranks(secretary, cadre) and not outranks(secretary, sub_admin)
    assert not outranks(sub_admin, cadre) and outranks(world["admin"], sub_admin)
    assert not can(world["liaison"], Action.EDIT_PERSON, world["member"])  # a liaison edits no one
    for action in (Action.EDIT_PERSON, Action.MANAGE_ROSTER):
        assert not can(secretary, action, cadre) and can(world["admin"], action, cadre)
    assert can(secretary, Action.VIEW_PERSON, cadre)  # still on the roster, still seen


def test_a_plain_member_password_reset_by_the_secretary_still_works(client, auth, world):
    auth.login("secretary")
    reset = NEW_MEMBER | {"name": "刘党员", "login": "member", "password": "new-password-22"}
    response = client.post(f"/people/{world['member'].id}/edit", data=reset)
    assert response.status_code == 302
    auth.logout()
    assert auth.login("member", "new-password-22").status_code == 302
    auth.logout()
    assert auth.login("member", PASSWORD).status_code == 200

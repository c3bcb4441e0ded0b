"""Every place a password is chosen applies the same rules (ASVS 2.1.1, 2.1.7), says why in
Chinese, and writes nothing when it refuses."""
import pytest
import sqlalchemy as sa

from meetings.extensions import db
from meetings.models import Person
from tests.builders import PASSWORD


def _hash_of(login: str) -> str:
    db.session.expire_all()
    return db.session.scalar(sa.select(Person.password_hash).where(Person.login == login))


@pytest.mark.parametrize(("new", "says"), [
    ("aaaaaaaaaaaa", "反复"), ("1234567890ab", "太常见"), ("member-2026-ok", "用户名"),
    ("刘党员的支部学习密码", "12 到 128"), (PASSWORD, "不能与当前密码相同"),
])
def test_ones_own_new_password(client, auth, world, new, says):
    auth.login("member")
    before = _hash_of("member")
    page = client.post("/account/password", data={"current": PASSWORD, "new": new, "confirm": new})
    assert page.status_code == 200 and says in page.get_data(as_text=True)
    assert _hash_of("member") == before


def test_a_secretary_setting_a_weak_password_saves_nothing_of_the_form(client, auth, world):
    auth.login("secretary")
    before = _hash_of("member")
    data = {"name": "刘党员（改）", "category": "full", "status": "active", "login": "member",
            "email": "member@example.org", "password": "qwertyuiop12"}
    page = client.post(f"/people/{world['member'].id}/edit", data=data)
    assert page.status_code == 200 and "太常见" in page.get_data(as_text=True)
    assert _hash_of("member") == before
    assert db.session.get(Person, world["member"].id).name == "刘党员"


def test_an_officer_account_with_its_login_in_the_password_is_not_opened(client, auth, world):
    auth.login("admin")
    data = {"officer-name": "郑联络", "officer-login": "zhenglian", "officer-email": "zheng@example.org",
            "officer-password": "zhenglian-2026", "officer-role": "liaison"}
    page = client.post(f"/orgs/{world.pc_b.id}/roles/officer", data=data)
    assert page.status_code == 400 and "用户名" in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(Person).where(Person.login == "zhenglian")) is None


def test_the_command_line_refuses_a_weak_password_too(app, world):
    result = app.test_cli_runner().invoke(
        args=["create-user", "--login", "chief", "--name", "王主任", "--password", "password2026"])
    assert result.exit_code != 0 and "太常见" in result.output
    assert db.session.scalar(sa.select(Person).where(Person.login == "chief")) is None

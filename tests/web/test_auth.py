"""Signing in and out, remember-me, password changes, accounts that may not sign in."""
import pytest

from meetings.domain.terms import PersonStatus
from meetings.extensions import db
from tests.builders import PASSWORD


def test_wrong_password_shows_message_and_keeps_login(client, auth, world):
    response = auth.login("member", "wrong-password")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "用户名或密码不正确" in page
    assert 'value="member"' in page


def test_unknown_login_looks_like_a_wrong_password(client, auth, world):
    page = auth.login("nobody").get_data(as_text=True)
    assert "用户名或密码不正确" in page


def test_empty_form_asks_for_both_fields(client, world):
    page = client.post("/login", data={}).get_data(as_text=True)
    assert "请输入用户名" in page and "请输入密码" in page


@pytest.mark.parametrize("change", [{"can_sign_in": False}, {"status": PersonStatus.TRANSFERRED_OUT}])
def test_disabled_or_transferred_out_people_cannot_sign_in(client, auth, world, change):
    person = world["member"]
    for key, value in change.items():
        setattr(person, key, value)
    db.session.commit()
    assert auth.login("member").status_code == 200
    assert client.get("/").status_code == 302


def test_session_ends_when_account_is_disabled(client, auth, world):
    auth.login("member")
    assert client.get("/").status_code == 200
    world["member"].can_sign_in = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_login_follows_next_only_on_this_site(client, world):
    data = {"login": "member", "password": PASSWORD}
    assert client.post("/login?next=/orgs", data=data).headers["Location"] == "/orgs"
    client.post("/logout")
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        location = client.post(f"/login?next={evil}", data=data).headers["Location"]
        assert "evil" not in location
        client.post("/logout")


def test_remember_me_sets_a_long_lived_httponly_cookie(client, world):
    response = client.post("/login", data={"login": "member", "password": PASSWORD, "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    remember = next(c for c in cookies if c.startswith("remember_token="))
    assert "HttpOnly" in remember and "SameSite=Lax" in remember
    session = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session


def test_logout_is_post_only(client, auth, world):
    auth.login("member")
    assert client.get("/logout").status_code == 405
    auth.logout()
    assert client.get("/").status_code == 302


def test_change_password_requires_the_current_one(client, auth, world):
    auth.login("member")
    page = client.post("/account/password", data={
        "current": "wrong", "new": "a-new-password-1", "confirm": "a-new-password-1"}).get_data(as_text=True)
    assert "当前密码不正确" in page


def test_change_password_rejects_short_or_mismatched(client, auth, world):
    auth.login("member")
    page = client.post("/account/password", data={
        "current": PASSWORD, "new": "short", "confirm": "other"}).get_data(as_text=True)
    assert "12 到 128" in page and "不一致" in page


def test_change_password_ends_other_sessions(app, client, auth, world):
    other = app.test_client()
    other.post("/login", data={"login": "member", "password": PASSWORD})
    auth.login("member")
    response = client.post("/account/password", data={
        "current": PASSWORD, "new": "a-new-password-1", "confirm": "a-new-password-1"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this session carries on
    assert other.get("/").status_code == 302  # the other device is signed out
    auth.logout()
    assert auth.login("member", "a-new-password-1").status_code == 302

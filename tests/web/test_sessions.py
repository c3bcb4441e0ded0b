"""Sessions that end (issue 14 #4): every copy of a session cookie and of its remember-me
cookie stops working at sign-out, at 退出所有设备, at a new password and at an officer's reset;
idle sessions end; a token needs the password, and a new password revokes the tokens."""
from datetime import timedelta

import sqlalchemy as sa

from meetings.extensions import db
from meetings.models import ApiToken, AuditEvent, Person, SignIn
from meetings.services import accounts, api_tokens
from tests.api_client import bearer
from tests.builders import PASSWORD
from tests.fixed_time import pinned_now

HOME = "/"
NEW_PASSWORD = "晚上八点支部学习开始-ok"
MEETINGS_API = "/api/v1/meetings"


def signed_in(app, login: str = "member", *, remember: bool = False):
    """A browser of its own, signed in through the form."""
    client = app.test_client()
    data = {"login": login, "password": PASSWORD} | ({"remember": "y"} if remember else {})
    assert client.post("/login", data=data).status_code == 302
    return client


def copy_of(app, client, *names: str):
    """Another browser holding copies of ``client``'s cookies (all of them, or those named)."""
    thief = app.test_client()
    for cookie in client._cookies.values():
        if not names or cookie.key in names:
            thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    return thief


def is_signed_in(client) -> bool:
    return client.get(HOME).status_code == 200


def test_after_logout_a_copied_session_cookie_no_longer_works(app, world):
    browser = signed_in(app)
    thief = copy_of(app, browser, "session")
    assert is_signed_in(thief)  # the copy works while the session lives: it is the same session
    browser.post("/logout")
    assert not is_signed_in(browser) and not is_signed_in(thief)


def test_after_logout_a_copied_remember_me_cookie_no_longer_works(app, world):
    browser = signed_in(app, remember=True)
    thief = copy_of(app, browser, "remember_token")  # the remember-me cookie alone
    assert is_signed_in(thief)
    browser.post("/logout")
    assert not is_signed_in(thief)


def test_sign_out_everywhere_ends_every_session_of_the_person_only(app, world):
    laptop, phone = signed_in(app), signed_in(app, remember=True)
    phone_copy = copy_of(app, phone, "remember_token")
    someone_else = signed_in(app, "secretary")
    page = laptop.post("/account/sessions/end-all", follow_redirects=True).get_data(as_text=True)
    assert "已退出所有设备上的登录（共 2 处）" in page
    assert not any(is_signed_in(c) for c in (laptop, phone, phone_copy))
    assert is_signed_in(someone_else)


def test_a_session_ends_after_the_idle_timeout_and_says_why(app, world, clock):
    browser = signed_in(app)
    clock.advance(timedelta(minutes=29))
    assert is_signed_in(browser)  # activity moves the timeout on
    clock.advance(timedelta(minutes=29))
    assert is_signed_in(browser)
    clock.advance(timedelta(minutes=31))
    answer = browser.get(HOME, follow_redirects=True).get_data(as_text=True)
    assert "超过 30 分钟未操作" in answer and "自动退出" in answer
    assert not is_signed_in(browser)


def test_an_old_copy_of_the_cookie_is_as_stale_as_when_it_was_taken(app, world, clock):
    browser = signed_in(app)
    old_copy = copy_of(app, browser, "session")
    for _ in range(4):  # the owner keeps working; the copy is not used
        clock.advance(timedelta(minutes=10))
        assert is_signed_in(browser)
    assert not is_signed_in(old_copy)


def test_typing_keeps_the_session_alive(app, world, clock):
    browser = signed_in(app)
    for _ in range(3):
        clock.advance(timedelta(minutes=20))
        assert browser.get("/account/alive").status_code == 204
    assert is_signed_in(browser)  # an hour after signing in, through the pings only


def test_a_remembered_session_outlives_idleness_but_not_its_days(app, world, clock):
    browser = signed_in(app, remember=True)
    clock.advance(timedelta(days=3))
    assert is_signed_in(copy_of(app, browser, "remember_token"))
    clock.advance(timedelta(days=28))
    assert not is_signed_in(copy_of(app, browser, "remember_token"))


def test_a_session_without_remember_me_ends_after_its_hours_even_when_used(app, world, clock):
    browser = signed_in(app)
    for _ in range(12 * 3):
        clock.advance(timedelta(minutes=20))
        browser.get("/account/alive")
    assert not is_signed_in(browser)


def test_a_password_change_ends_the_other_sessions_and_revokes_the_tokens(app, world):
    here, elsewhere = signed_in(app), signed_in(app, remember=True)
    headers = bearer(world["member"])
    assert here.get(MEETINGS_API, headers=headers).status_code == 200
    page = here.post("/account/password", data={"current": PASSWORD, "new": NEW_PASSWORD,
                                                "confirm": NEW_PASSWORD}, follow_redirects=True)
    assert "访问令牌已全部撤销" in page.get_data(as_text=True)
    assert is_signed_in(here)  # the one who changed it stays
    assert not is_signed_in(elsewhere)
    assert app.test_client().get(MEETINGS_API, headers=headers).status_code == 401


def test_an_officer_reset_ends_the_targets_sessions_and_tokens_and_is_audited(app, world):
    victim_browser = signed_in(app, "member", remember=True)
    headers = bearer(world["member"])
    secretary = signed_in(app, "secretary")
    form = secretary.get(f"/people/{world['member'].id}/edit")
    assert form.status_code == 200
    data = {"name": "刘党员", "category": "full", "status": "active", "login": "member",
            "email": "member@example.org", "password": NEW_PASSWORD}
    assert secretary.post(f"/people/{world['member'].id}/edit", data=data).status_code == 302
    assert not is_signed_in(victim_browser)
    assert app.test_client().get(MEETINGS_API, headers=headers).status_code == 401
    reset = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "password.set"))
    assert reset.actor_id == world["secretary"].id and reset.object_id == world["member"].id


def test_a_token_needs_the_password_even_with_a_remember_me_cookie(app, world):
    browser = signed_in(app, remember=True)
    cookie_only = copy_of(app, browser, "remember_token")
    refused = cookie_only.post("/account/tokens", data={"name": "偷来的", "days": "30"})
    assert refused.status_code == 200 and "请输入您的登录密码" in refused.get_data(as_text=True)
    wrong = cookie_only.post("/account/tokens", data={"name": "偷来的", "days": "30", "password": "猜一猜"})
    assert "密码不正确" in wrong.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0
    made = browser.post("/account/tokens", data={"name": "脚本", "days": "30", "password": PASSWORD})
    assert made.status_code == 201


def test_password_guessing_through_the_token_form_is_limited(app, world):
    browser = signed_in(app)
    codes = [browser.post("/account/tokens", data={"name": "x", "days": "1", "password": f"guess-{i}"})
             .status_code for i in range(11)]
    assert codes[:10] == [200] * 10 and codes[10] == 429


def test_the_devices_page_lists_sessions_and_ends_one(app, world):
    laptop, phone = signed_in(app), signed_in(app, remember=True)
    page = laptop.get("/account/sessions").get_data(as_text=True)
    assert page.count('/end" class') == 2 and "本设备" in page and "记住我" in page
    phone_row = db.session.scalar(sa.select(SignIn).where(SignIn.remember.is_(True)))
    assert laptop.post(f"/account/sessions/{phone_row.id}/end").status_code == 302
    assert is_signed_in(laptop) and not is_signed_in(phone)


def test_nobody_ends_another_persons_session_nor_learns_it_exists(app, world):
    signed_in(app, "secretary", remember=True)
    theirs = db.session.scalar(sa.select(SignIn))
    admin = signed_in(app, "admin")
    assert admin.post(f"/account/sessions/{theirs.id}/end").status_code == 404
    assert admin.post("/account/sessions/999999/end").status_code == 404
    db.session.expire_all()
    assert db.session.get(SignIn, theirs.id).ended_at is None


def test_sign_ins_and_failed_sign_ins_are_audited(app, world):
    client = app.test_client()
    client.post("/login", data={"login": "member", "password": "not-the-password"})
    client.post("/login", data={"login": "nobody-here", "password": "x"})
    signed_in(app)
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action.like("auth.%"))
                                .order_by(AuditEvent.id)).all()
    assert [(e.action, e.object_id) for e in events] == [
        ("auth.sign_in_failed", world["member"].id), ("auth.sign_in_failed", None),
        ("auth.sign_in", world["member"].id)]
    assert events[1].after["login"] == "nobody-here" and "password" not in str(events[0].after)


def test_tokens_of_a_person_are_revoked_by_revoke_all_only(app, world, clock):
    api_tokens.issue(world["member"], world["member"], "a", read_only=True, expires_at=None,
                     now=pinned_now())
    api_tokens.issue(world["secretary"], world["secretary"], "b", read_only=True, expires_at=None,
                     now=pinned_now())
    assert api_tokens.revoke_all(None, world["member"], pinned_now()) == 1
    live = db.session.scalars(sa.select(ApiToken).where(ApiToken.revoked_at.is_(None))).all()
    assert [t.person_id for t in live] == [world["secretary"].id]


def test_a_sign_in_racing_a_password_change_does_not_survive_it(app, world, monkeypatch):
    """The old password is checked, then (before the session is saved) the password changes
    in another request: the sign-in is refused, and no session of the old password is left."""
    real = accounts.authenticate

    def checked_then_changed_elsewhere(login, password):
        person = real(login, password)
        with db.engine.begin() as other_request:
            other_request.execute(sa.update(Person).where(Person.id == person.id)
                                  .values(password_hash=accounts.hash_password(NEW_PASSWORD)))
        return person

    monkeypatch.setattr(accounts, "authenticate", checked_then_changed_elsewhere)
    answer = app.test_client().post("/login", data={"login": "member", "password": PASSWORD})
    assert answer.status_code == 200 and "用户名或密码不正确" in answer.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignIn)) == 0


def test_a_copy_of_the_cookie_of_the_browser_that_changed_the_password_ends_too(app, world):
    browser = signed_in(app)
    copy = copy_of(app, browser, "session")
    data = {"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    browser.post("/account/password", data=data)
    assert is_signed_in(browser) and not is_signed_in(copy)


def test_ones_own_password_is_not_set_through_the_roster_form(app, world):
    """A left-behind remember-me cookie must not be enough to take over the account."""
    thief = copy_of(app, signed_in(app, "secretary", remember=True), "remember_token")
    before = db.session.get(Person, world["secretary"].id).password_hash
    data = {"name": "张书记", "category": "full", "status": "active", "login": "secretary",
            "email": "secretary@example.org", "password": NEW_PASSWORD}
    answer = thief.post(f"/people/{world['secretary'].id}/edit", data=data)
    assert answer.status_code == 200 and "修改密码" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Person, world["secretary"].id).password_hash == before


def test_a_token_made_while_the_password_changes_elsewhere_is_not_kept(app, world, monkeypatch):
    """The token form checked the password; before the token is saved, another request sets a
    new one (which revokes every token): the new token must not slip in after it."""
    browser = signed_in(app)
    real = api_tokens.issue

    def issued_then_password_changed(*args, **kwargs):
        with db.engine.begin() as other_request:  # commits between the check and the save
            other_request.execute(sa.update(Person).where(Person.id == world["member"].id)
                                  .values(password_hash=accounts.hash_password(NEW_PASSWORD)))
        return real(*args, **kwargs)

    monkeypatch.setattr(api_tokens, "issue", issued_then_password_changed)
    answer = browser.post("/account/tokens", data={"name": "脚本", "days": "30", "password": PASSWORD})
    assert answer.status_code == 409 and "令牌没有创建" in answer.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0

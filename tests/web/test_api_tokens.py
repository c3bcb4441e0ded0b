"""Personal access tokens: issued once and stored hashed, revoked, expiring, read-only, from the
profile page and the command line; the session cookie is never a way into the API."""
import hashlib
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetings.api import auth as api_auth
from meetings.api.problems import ApiProblem
from meetings.extensions import db
from meetings.models import ApiToken, AuditEvent
from meetings.services import api_tokens
from tests.api_client import bearer, get_json
from tests.builders import PASSWORD
from tests.fixed_time import TEST_NOW

TOKEN = re.compile(r"olt_[A-Za-z0-9_-]{43}")
MEETINGS = "/api/v1/meetings"


def _only_token() -> ApiToken:
    return db.session.scalar(sa.select(ApiToken))


# ---- the service --------------------------------------------------------------------------

def test_a_token_is_random_prefixed_and_only_its_sha256_is_stored(world):
    token, plaintext = api_tokens.issue(world["member"], world["member"], "脚本", read_only=True,
                                        expires_at=None, now=TEST_NOW)
    db.session.commit()
    assert TOKEN.fullmatch(plaintext)
    assert token.token_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    row = db.session.execute(sa.select(ApiToken.__table__)).one()
    assert plaintext not in repr(tuple(row))
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "api_token.issue"))
    assert event.actor_id == world["member"].id and event.object_id == token.id


def test_tokens_are_personal(world):
    with pytest.raises(PermissionError):
        api_tokens.issue(world["admin"], world["member"], "代办", read_only=True, expires_at=None,
                         now=TEST_NOW)
    token, _ = api_tokens.issue(world["member"], world["member"], "脚本", read_only=True,
                                expires_at=None, now=TEST_NOW)
    with pytest.raises(PermissionError):
        api_tokens.revoke(world["admin"], token, TEST_NOW)


@pytest.mark.parametrize("name", ["", "   ", "名" * 81])
def test_a_token_needs_a_short_name(world, name):
    with pytest.raises(api_tokens.TokenError):
        api_tokens.issue(world["member"], world["member"], name, read_only=True, expires_at=None,
                         now=TEST_NOW)


def test_last_use_is_written_at_most_once_a_minute(world):
    token, _ = api_tokens.issue(None, world["member"], "脚本", read_only=True, expires_at=None, now=TEST_NOW)
    now = TEST_NOW
    assert api_tokens.touch(token, now) is True
    assert api_tokens.touch(token, now + timedelta(seconds=59)) is False
    assert api_tokens.touch(token, now + timedelta(seconds=61)) is True


def test_a_request_records_the_last_use(client, world):
    headers = bearer(world["member"])
    assert _only_token().last_used_at is None
    get_json(client, MEETINGS, headers)
    db.session.expire_all()
    assert _only_token().last_used_at is not None


# ---- refusals: 401 problem details ----------------------------------------------------------

def _assert_401(response, invalid_token: bool):
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    body = response.get_json(force=True)
    assert body["status"] == 401 and re.search(r"[\u4e00-\u9fff]", body["title"])
    assert body["type"].endswith("/invalid-token" if invalid_token else "/unauthorized")


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer   ", "Basic YWRtaW46eA==", "Token olt_x"])
def test_no_bearer_token_is_401(client, world, header):
    headers = {} if header is None else {"Authorization": header}
    _assert_401(client.get(MEETINGS, headers=headers), invalid_token=False)


@pytest.mark.parametrize("garbage", ["olt_" + "A" * 43, "garbage", "olt_" + "x" * 5000, "olt_\u202e"])
def test_a_garbage_token_is_401(client, world, garbage):
    _assert_401(client.get(MEETINGS, headers={"Authorization": f"Bearer {garbage}"}), invalid_token=True)


def test_a_revoked_token_stops_working_at_once(client, world):
    headers = bearer(world["member"])
    get_json(client, MEETINGS, headers)
    assert api_tokens.revoke(world["member"], _only_token(), TEST_NOW) is True
    db.session.commit()
    _assert_401(client.get(MEETINGS, headers=headers), invalid_token=True)
    assert api_tokens.revoke(world["member"], _only_token(), TEST_NOW) is False


def test_an_expired_token_is_401(client, world):
    headers = bearer(world["member"], expires_at=TEST_NOW + timedelta(days=1))
    get_json(client, MEETINGS, headers)
    _only_token().expires_at = TEST_NOW - timedelta(seconds=1)
    db.session.commit()
    _assert_401(client.get(MEETINGS, headers=headers), invalid_token=True)


def test_a_disabled_account_s_tokens_are_401(client, world):
    headers = bearer(world["member"])
    world["member"].can_sign_in = False
    db.session.commit()
    _assert_401(client.get(MEETINGS, headers=headers), invalid_token=True)


def test_the_session_cookie_alone_does_not_open_the_api(client, auth, world):
    assert auth.login("admin").status_code == 302
    assert client.get("/").status_code == 200
    _assert_401(client.get(MEETINGS), invalid_token=False)


def test_with_a_session_and_a_token_the_token_decides(client, auth, world):
    headers = bearer(world["member"])
    auth.login("admin")
    units = {o["id"] for o in get_json(client, "/api/v1/organizations", headers)["items"]}
    assert units == {world.a1.id, world.g1.id, world.g2.id}


def test_a_read_only_token_may_not_write(app, world):
    token, plaintext = api_tokens.issue(None, world["member"], "只读", read_only=True, expires_at=None,
                                        now=TEST_NOW)
    db.session.commit()
    headers = {"Authorization": f"Bearer {plaintext}"}
    with app.test_request_context(MEETINGS, method="POST", headers=headers):
        with pytest.raises(ApiProblem) as refused:
            api_auth.require_token()
        body = refused.value.get_response().get_json(force=True)
    assert refused.value.code == 403 and body["type"].endswith("/read-only-token")
    token.read_only = False
    db.session.commit()
    with app.test_request_context(MEETINGS, method="POST", headers=headers):
        api_auth.require_token()  # a read-write token passes


def test_posting_to_a_read_route_is_a_405_problem(client, world):
    response = client.post("/api/v1/organizations", headers=bearer(world["member"], read_only=False), json={})
    assert response.status_code == 405
    assert response.content_type == "application/problem+json"
    assert "GET" in response.headers["Allow"]


# ---- the profile page ---------------------------------------------------------------------

def test_the_page_creates_a_token_shown_exactly_once(client, auth, world):
    auth.login("member")
    response = client.post("/account/tokens", data={"name": "季度通报脚本", "read_only": "y", "days": "30",
                                                     "password": PASSWORD})
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    shown = TOKEN.findall(response.get_data(as_text=True))
    assert len(set(shown)) == 1
    token = _only_token()
    assert token.name == "季度通报脚本" and token.read_only and token.person_id == world["member"].id
    assert timedelta(days=29) < token.expires_at - TEST_NOW <= timedelta(days=30)
    again = client.get("/account/tokens").get_data(as_text=True)
    assert "季度通报脚本" in again and shown[0] not in again
    get_json(client, "/api/v1/organizations", {"Authorization": f"Bearer {shown[0]}"})


def test_unticked_read_only_and_no_expiry(client, auth, world):
    auth.login("member")
    data = {"name": "同步", "days": "", "password": PASSWORD}
    assert client.post("/account/tokens", data=data).status_code == 201
    token = _only_token()
    assert token.read_only is False and token.expires_at is None


@pytest.mark.parametrize(("data", "field"), [
    ({"name": "", "days": "30"}, "name"), ({"name": "长" * 81, "days": "30"}, "name"),
    ({"name": "x", "days": "0"}, "days"), ({"name": "x", "days": "366"}, "days"),
    ({"name": "x", "days": "abc"}, "days"), ({"name": "a\x00b", "days": "30"}, "name"),
])
def test_refused_forms_say_why_in_chinese_and_create_nothing(client, auth, world, data, field):
    auth.login("member")
    response = client.post("/account/tokens", data=data | {"password": PASSWORD})
    assert response.status_code == 200
    error = re.search(rf'id="{field}-error">(.*?)</p>', response.get_data(as_text=True), re.S)
    assert error and re.search(r"[\u4e00-\u9fff]", error.group(1))
    assert _only_token() is None


def test_revoking_from_the_page(client, auth, world):
    headers = bearer(world["member"])
    auth.login("member")
    response = client.post(f"/account/tokens/{_only_token().id}/revoke")
    assert response.status_code == 302
    db.session.expire_all()
    assert _only_token().revoked_at is not None
    assert "已撤销" in client.get("/account/tokens").get_data(as_text=True)
    assert client.get(MEETINGS, headers=headers).status_code == 401


def test_someone_else_s_token_cannot_be_revoked(client, auth, world):
    bearer(world["member"])
    auth.login("admin")
    assert client.post(f"/account/tokens/{_only_token().id}/revoke").status_code == 404  # not theirs to know
    db.session.expire_all()
    assert _only_token().revoked_at is None


def test_the_user_menu_links_to_the_tokens(client, auth, world):
    auth.login("member")
    assert 'href="/account/tokens"' in client.get("/").get_data(as_text=True)


# ---- the command line ---------------------------------------------------------------------

def test_create_token_prints_the_token_last_and_it_works(app, client, world):
    result = app.test_cli_runner().invoke(args=["create-token", "secretary", "--name", "导出", "--days", "7"])
    assert result.exit_code == 0, result.output
    plaintext = result.output.strip().splitlines()[-1]
    assert TOKEN.fullmatch(plaintext)
    token = _only_token()
    assert token.read_only and token.name == "导出" and token.expires_at is not None
    get_json(client, MEETINGS, {"Authorization": f"Bearer {plaintext}"})


def test_create_token_read_write_without_expiry(app, world):
    result = app.test_cli_runner().invoke(args=["create-token", "admin", "--read-write"])
    assert result.exit_code == 0, result.output
    token = _only_token()
    assert token.read_only is False and token.expires_at is None


@pytest.mark.parametrize("args", [["nobody"], ["admin", "--days", "0"], ["admin", "--days", "400"]])
def test_create_token_refuses_bad_arguments(app, world, args):
    result = app.test_cli_runner().invoke(args=["create-token", *args])
    assert result.exit_code != 0
    assert _only_token() is None

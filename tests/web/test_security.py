"""Security headers, CSRF, login rate limit, error pages."""
import re

import pytest
import sqlalchemy as sa

from meetings import create_app
from meetings.extensions import db, limiter
from meetings.models import Person
from tests.builders import PASSWORD, RELAXED_LIMITS


def test_strict_csp_and_headers_on_every_page(client, world):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_load_nothing_from_outside(client, auth, world):
    auth.login("secretary")
    for url in ("/", "/orgs", f"/orgs/{world.a1.id}", "/login"):
        page = client.get(url).get_data(as_text=True)
        assert not re.search(r"""(src|href)=["'](https?:)?//""", page), url
        assert "<script>" not in page and "style=" not in page


@pytest.fixture
def strict_app(app):
    """The test app with CSRF and a tight login rate limit switched on, restored afterwards.

    The limiter is one object for the process, so its limits are lowered here rather than
    given to a second app (whose settings would leak into every later test).
    """
    saved = dict(app.config)
    app.config.update(WTF_CSRF_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    limiter.reset()
    yield app
    limiter.reset()
    app.config.update({k: saved[k] for k in ("WTF_CSRF_ENABLED", "LOGIN_RATE_LIMIT")})


def test_forms_without_csrf_token_are_refused(strict_app, world):
    client = strict_app.test_client()
    response = client.post("/login", data={"login": "member", "password": PASSWORD})
    assert response.status_code == 400
    assert "页面已过期" in response.get_data(as_text=True)


def test_login_attempts_are_rate_limited(strict_app, world):
    strict_app.config["WTF_CSRF_ENABLED"] = False
    client = strict_app.test_client()
    codes = [client.post("/login", data={"login": "member", "password": "x"}).status_code for _ in range(4)]
    assert codes[:3] == [200, 200, 200]
    assert codes[3] == 429
    assert "操作过于频繁" in client.post("/login", data={"login": "member"}).get_data(as_text=True)
    # Colleagues behind the same address are not locked out by one person's typos.
    assert client.post("/login", data={"login": "secretary", "password": "x"}).status_code == 200


def test_unknown_page_is_a_chinese_404(client, world):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_server_error_rolls_back_and_shows_chinese_page(app, world):
    fresh = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "s",
                        "PROPAGATE_EXCEPTIONS": False, **RELAXED_LIMITS})

    @fresh.get("/_boom_test")
    def _boom():
        db.session.add(Person(name="半途写入"))
        db.session.flush()
        raise RuntimeError("boom")

    response = fresh.test_client().get("/_boom_test")
    assert response.status_code == 500
    assert "服务器出错了" in response.get_data(as_text=True)
    with fresh.app_context():
        assert db.session.scalar(sa.select(Person).where(Person.name == "半途写入")) is None
        db.session.remove()  # give the connection back before the pool goes
        db.engine.dispose()


@pytest.mark.parametrize("url", ["/compliance?type=%00", "/audit?action=x%00y", "/audit?who%00=1",
                                 "/compliance/absences?org=1%00", "/calendar/abc%00def.ics",
                                 "/rsvp/%00"])
def test_a_nul_byte_in_a_url_is_a_400_not_a_database_error(client, auth, world, url):
    """PostgreSQL refuses NUL in any text it compares: the request stops before a query."""
    auth.login("admin")
    response = client.get(url)
    assert response.status_code == 400
    assert "请求有误" in response.get_data(as_text=True)


def test_a_nul_byte_in_the_api_is_a_problem(client, world):
    from tests.api_client import bearer

    headers = bearer(world["admin"], read_only=False)
    response = client.get("/api/v1/meetings?type=%00", headers=headers)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    body = {"organization_id": world.a1.id, "title": "x", "types": ["\u0000"], "invitee_ids": [],
            "starts_at": "2030-01-01T10:00:00+08:00", "ends_at": "2030-01-01T11:00:00+08:00"}
    response = client.post("/api/v1/meetings", json=body, headers=headers)
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} >= {"types"}

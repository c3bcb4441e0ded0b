"""Sign-in protection and transport headers: session rotation, Redis-counted limits, HSTS."""
import uuid

import redis
from flask import Config

from meetings import config as cfg
from meetings import create_app
from meetings.extensions import db, limiter
from tests.builders import PASSWORD, RELAXED_LIMITS


def test_signing_in_starts_a_fresh_session(client, world):
    with client.session_transaction() as session:
        session["planted"] = "before sign-in"
        session["csrf_token"] = "known-to-an-attacker"
    assert client.post("/login", data={"login": "member", "password": PASSWORD}).status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session and session.get("csrf_token") != "known-to-an-attacker"
        assert session.get("_user_id")


def test_no_hsts_by_default_and_a_year_of_it_in_production(client, world, monkeypatch, tmp_path):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    monkeypatch.setenv("ORGLIFE_PRODUCTION", "1")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.delenv("REDIS_URL", raising=False)
    config = Config(str(tmp_path))
    cfg.layer(config, str(tmp_path))
    assert config["HSTS_SECONDS"] == 365 * 24 * 3600
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["SESSION_COOKIE_HTTPONLY"] and config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_hsts_header_when_configured(app, world):
    app.config["HSTS_SECONDS"] = 600
    try:
        header = app.test_client().get("/login").headers["Strict-Transport-Security"]
    finally:
        app.config["HSTS_SECONDS"] = 0
    assert header == "max-age=600; includeSubDomains"


def test_redis_url_from_the_environment_stores_the_limits(monkeypatch):
    holder = {}
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/15")
    cfg.apply_environment(holder)
    assert holder["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/15"


def test_login_lockout_is_counted_in_redis(app, world, redis_url):
    """Workers share one count: the fourth wrong password in a minute is refused, and the
    counter lives in Redis."""
    login = f"member-{uuid.uuid4().hex[:8]}"  # a login no other run has counted
    redis_app = create_app({**app.config, **RELAXED_LIMITS, "RATELIMIT_STORAGE_URI": redis_url,
                            "LOGIN_RATE_LIMIT": "3 per minute"})
    try:
        client = redis_app.test_client()
        codes = [client.post("/login", data={"login": login, "password": "x"}).status_code
                 for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert "操作过于频繁" in client.post("/login", data={"login": login}).get_data(as_text=True)
        store = redis.Redis.from_url(redis_url)
        keys = list(store.scan_iter(f"LIMITS:*|{login}/auth.login/*"))
        assert keys, "the limiter kept its counts somewhere other than Redis"
        store.delete(*keys)
    finally:
        with redis_app.app_context():
            db.engine.dispose()  # its own pool: close the connections it opened
        limiter.init_app(app)  # the limiter is one object per process: back to the session app

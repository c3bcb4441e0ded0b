"""Production mode keeps the deployment's settings: defaults → production overrides →
``instance/config.py`` → environment, each layer only adding what it says. The last test starts
the real site as the README deploys it (gunicorn, ORGLIFE_PRODUCTION=1, every documented
variable set) and checks each one is in force, from outside: links, mail, limits, cookies."""
from __future__ import annotations

import email
import email.policy
import http.cookies
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
import redis
from flask import Config, Flask

from meetings import config as cfg
from meetings.extensions import db
from meetings.services import meeting_types
from tests import served
from tests.api_client import bearer
from tests.builders import PASSWORD
from tests.smtp_server import SmtpServer
from tests.web.test_meeting_pages import form_data

DEPLOYED = {  # every variable of the README's table, none at its default
    "BASE_URL": "https://orglife.example.gov", "MAIL_FROM": "党建办公室 <dangjian@example.gov>",
    "SMTP_URL": "smtp://relay.example.gov:2525", "DATABASE_URL": "sqlite:////srv/orglife/orglife.db",
    "SECRET_KEY": "deployment-secret", "REDIS_URL": "redis://127.0.0.1:6379/15",
    "LOGIN_RATE_LIMIT": "5 per minute", "LOGIN_IP_RATE_LIMIT": "50 per minute",
    "API_RATE_LIMIT": "100 per minute"}


@pytest.fixture
def environment(monkeypatch):
    """No OrgLife setting from this process's environment unless the test sets it."""
    for name in served.SETTINGS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def layered(instance) -> tuple[Config, list[str]]:
    config = Config(str(instance))
    return config, cfg.layer(config, str(instance))


def test_production_keeps_every_variable_of_the_environment(environment, tmp_path):
    environment.setenv("ORGLIFE_PRODUCTION", "1")
    for name, value in DEPLOYED.items():
        environment.setenv(name, value)
    config, warnings = layered(tmp_path)
    for name, value in DEPLOYED.items():
        if name != "REDIS_URL":
            assert config[name] == value, name
    assert config["RATELIMIT_STORAGE_URI"] == DEPLOYED["REDIS_URL"]
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"] and config["HSTS_SECONDS"]
    assert warnings == []


def test_instance_config_survives_production_mode_and_the_environment_wins_over_it(environment, tmp_path):
    (tmp_path / "config.py").write_text('BASE_URL = "https://from-instance.example.gov"\n'
                                        'SMTP_URL = "smtp://instance-relay:25"\nSECRET_KEY = "instance"\n'
                                        'MINUTES_LATE_DAYS = 10\n', encoding="utf-8")
    environment.setenv("ORGLIFE_PRODUCTION", "1")
    environment.setenv("SMTP_URL", "smtp://env-relay:25")
    config, warnings = layered(tmp_path)
    assert config["BASE_URL"] == "https://from-instance.example.gov"
    assert config["SMTP_URL"] == "smtp://env-relay:25"
    assert (config["SECRET_KEY"], config["MINUTES_LATE_DAYS"]) == ("instance", 10)
    assert config["HSTS_SECONDS"] and warnings == []


def test_production_refuses_to_start_without_a_secret_key(environment, tmp_path):
    environment.setenv("ORGLIFE_PRODUCTION", "1")
    with pytest.raises(cfg.ConfigurationError, match="SECRET_KEY"):
        layered(tmp_path)
    assert not (tmp_path / "secret_key").exists(), "production made up a key of its own"
    (tmp_path / "secret_key").write_text("kept-in-the-instance\n")
    config, _ = layered(tmp_path)
    assert config["SECRET_KEY"] == "kept-in-the-instance"


def test_outside_production_a_key_is_made_on_first_run(environment, tmp_path):
    config, warnings = layered(tmp_path)
    assert len(config["SECRET_KEY"]) == 64 and (tmp_path / "secret_key").is_file()
    assert layered(tmp_path)[0]["SECRET_KEY"] == config["SECRET_KEY"] and warnings == []


def test_production_warns_without_base_url_or_smtp_url(environment, tmp_path):
    environment.setenv("ORGLIFE_PRODUCTION", "1")
    environment.setenv("SECRET_KEY", "k")
    _, warnings = layered(tmp_path)
    assert len(warnings) == 2
    assert "BASE_URL" in warnings[0] and "SMTP_URL" in warnings[1]


def test_base_url_follows_the_port_when_it_is_not_set(environment, tmp_path):
    environment.setenv("ORGLIFE_PORT", "5101")
    assert layered(tmp_path)[0]["BASE_URL"] == "http://127.0.0.1:5101"
    environment.setenv("BASE_URL", "https://orglife.example.gov")
    assert layered(tmp_path)[0]["BASE_URL"] == "https://orglife.example.gov"


def test_the_refusal_is_one_clear_line_when_the_site_starts(tmp_path):
    done = served.flask(served.child_env(ORGLIFE_PRODUCTION="1", ORGLIFE_INSTANCE=str(tmp_path)), "routes")
    assert done.returncode != 0
    assert "Production mode needs a SECRET_KEY" in done.stderr and "生产模式需要 SECRET_KEY" in done.stderr


# --- the real site -----------------------------------------------------------------------------

class Browser:
    """Cookies by hand: the site marks them Secure (production), which urllib's jar would keep
    from travelling over this test's plain http."""

    def __init__(self, base: str):
        self.base, self.cookies = base, {}

    def open(self, path: str, form: dict | None = None, headers: dict | None = None):
        data = urllib.parse.urlencode(form, doseq=True).encode() if form is not None else None
        request = urllib.request.Request(self.base + path, data=data, headers=dict(headers or {}))
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            response = urllib.request.build_opener(NoRedirect()).open(request, timeout=30)
        except urllib.error.HTTPError as answer:
            response = answer
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = http.cookies.SimpleCookie(header)
            self.cookies.update({k: m.value for k, m in jar.items()})
        return response.status, response.headers, response.read().decode("utf-8", "replace")

    def csrf(self, path: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.open(path)[2]).group(1)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_the_deployed_site_runs_with_every_documented_setting(app, world, redis_url, tmp_path):
    meeting_types.install_defaults()
    db.session.commit()
    token = bearer(world["member"])
    relay = SmtpServer()
    relay.start()
    secret = uuid.uuid4().hex
    settings = {**DEPLOYED, "SMTP_URL": relay.url, "DATABASE_URL": app.config["DATABASE_URL"],
                "SECRET_KEY": secret, "REDIS_URL": redis_url, "LOGIN_RATE_LIMIT": "3 per minute",
                "API_RATE_LIMIT": "4 per minute", "ORGLIFE_INSTANCE": str(tmp_path)}
    env = served.child_env(ORGLIFE_PRODUCTION="1", **settings)
    try:
        with served.gunicorn(env, tmp_path) as server:
            _check_the_site(server.base, world, token, secret, redis_url)
        sent = served.flask(env, "send-mail", "--once")
        assert sent.returncode == 0, sent.stderr
        _check_the_mail(relay)
    finally:
        relay.stop()


def _check_the_site(base: str, world, token: dict, secret: str, redis_url: str) -> None:
    browser = Browser(base)
    status, headers, _ = browser.open("/login")
    assert status == 200 and headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Secure" in headers["Set-Cookie"]
    # LOGIN_RATE_LIMIT (3 a minute) counted in Redis for both workers: the fourth is refused.
    login = f"nobody-{uuid.uuid4().hex[:8]}"
    codes = [browser.open("/login", {"csrf_token": browser.csrf("/login"), "login": login,
                                     "password": "wrong"})[0] for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and set(codes[3:]) == {429}, codes
    store = redis.Redis.from_url(redis_url)
    assert list(store.scan_iter(f"LIMITS:*|{login}/auth.login/*")), "the counts are not in Redis"
    # SECRET_KEY signs the session: only the deployment's key reads it.
    status, _, _ = browser.open("/login", {"csrf_token": browser.csrf("/login"), "login": "secretary",
                                           "password": PASSWORD})
    assert status == 302
    signer = Flask("check", instance_path="/tmp")
    signer.secret_key = secret
    assert signer.session_interface.get_signing_serializer(signer).loads(browser.cookies["session"])
    # BASE_URL in the links: the calendar page's feed link.
    _, _, page = browser.open("/calendar")
    assert "https://orglife.example.gov/calendar/" in page and "webcal://orglife.example.gov/" in page
    # The secretary schedules a meeting: its invites are queued by this production process.
    form = form_data(world, title="生产环境检查")
    form["csrf_token"] = browser.csrf(f"/branches/{world.a1.id}/meetings/new")
    status, headers, page = browser.open(f"/branches/{world.a1.id}/meetings/new", form)
    assert status == 302, page[:2000]
    # API_RATE_LIMIT (4 a minute) for the token.
    codes = [Browser(base).open("/api/v1/meetings", headers=token)[0] for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429], codes


def _check_the_mail(relay: SmtpServer) -> None:
    invites = [m for m in relay.handler.messages() if "生产环境检查" in str(m["Subject"])]
    assert invites, "SMTP_URL: no invite reached the relay"
    message = email.message_from_bytes(invites[0].as_bytes(), policy=email.policy.default)
    assert message["From"].addresses[0].addr_spec == "dangjian@example.gov"
    assert "https://orglife.example.gov/" in message.get_body(("plain",)).get_content()

"""Behind a proxy one attacker must not lock everyone out (issue 14 #5): the client's address
comes from a trusted proxy, the limits count per address and login (a JSON body too), and the
backoff that slows a guesser does not stop the owner signing in from elsewhere."""
import pytest
import sqlalchemy as sa

from meetings import trust_proxies
from meetings.extensions import db
from meetings.models import SignIn
from meetings.web.auth import throttle
from tests.builders import PASSWORD

OFFICE, ATTACKER, HOME_ADDRESS = "10.0.0.5", "203.0.113.9", "198.51.100.2"


def attempt(client, password: str, *, login: str = "member", address: str = OFFICE, json: bool = False,
            headers: dict | None = None):
    data = {"login": login, "password": password}
    environ = {"REMOTE_ADDR": address}
    if json:
        return client.post("/login", json=data, environ_base=environ, headers=headers)
    return client.post("/login", data=data, environ_base=environ, headers=headers)


@pytest.fixture
def strict(app, monkeypatch):
    """Small numbers: three free wrong passwords per address and login, six per login overall."""
    monkeypatch.setitem(app.config, "LOGIN_FREE_FAILURES", 3)
    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_LOGIN", 6)
    return app


def test_after_the_free_failures_the_guesser_waits_even_with_the_right_password(strict, world):
    guesser = strict.test_client()
    assert [attempt(guesser, f"guess-{i}", address=ATTACKER).status_code for i in range(3)] == [200] * 3
    refused = attempt(guesser, PASSWORD, address=ATTACKER)
    assert refused.status_code == 429 and "秒后再试" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignIn)) == 0


def test_the_owner_signs_in_from_elsewhere_while_the_guesser_waits(strict, world):
    guesser, owner = strict.test_client(), strict.test_client()
    for i in range(4):
        attempt(guesser, f"guess-{i}", address=ATTACKER)
    assert attempt(owner, PASSWORD, address=HOME_ADDRESS).status_code == 302


def test_a_json_body_counts_for_the_same_login_as_a_form(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    client = app.test_client()
    codes = [attempt(client, "x", json=True).status_code, attempt(client, "x").status_code,
             attempt(client, "x", json=True).status_code, attempt(client, "x", json=True).status_code]
    assert codes == [200, 200, 200, 429]
    assert attempt(client, "x", login="secretary", json=True).status_code == 200  # another login


def test_many_addresses_close_a_login_to_new_devices_but_not_to_the_owners(strict, world):
    owner = strict.test_client()
    assert attempt(owner, PASSWORD, address=HOME_ADDRESS).status_code == 302  # a known device now
    owner.post("/logout", environ_base={"REMOTE_ADDR": HOME_ADDRESS})
    for i in range(6):  # a botnet: one try from each address
        attempt(strict.test_client(), f"guess-{i}", address=f"203.0.113.{i + 10}")
    stranger = attempt(strict.test_client(), PASSWORD, address="192.0.2.99")
    assert stranger.status_code == 429 and "以前登录过的设备" in stranger.get_data(as_text=True)
    assert attempt(owner, PASSWORD, address="192.0.2.99").status_code == 302
    assert attempt(strict.test_client(), PASSWORD, login="secretary", address="192.0.2.99").status_code == 302


def test_a_forged_device_cookie_is_no_device(strict, world):
    for i in range(6):
        attempt(strict.test_client(), f"guess-{i}", address=f"203.0.113.{i + 10}")
    forger = strict.test_client()
    forger.set_cookie("orglife_device", "member", domain="orglife.test")
    assert attempt(forger, PASSWORD, address="192.0.2.99").status_code == 429


@pytest.fixture
def behind_nginx(strict, monkeypatch):
    """The app as deployed behind one reverse proxy (TRUSTED_PROXIES=1)."""
    monkeypatch.setitem(strict.config, "TRUSTED_PROXIES", 1)
    monkeypatch.setattr(strict, "wsgi_app", strict.wsgi_app)  # restored after the test
    trust_proxies(strict)
    return strict


def test_behind_a_trusted_proxy_each_client_has_its_own_address(behind_nginx, world):
    guesser, colleague = behind_nginx.test_client(), behind_nginx.test_client()
    via_proxy = "127.0.0.1"  # every request reaches the site from nginx
    for i in range(4):
        attempt(guesser, f"guess-{i}", address=via_proxy, headers={"X-Forwarded-For": ATTACKER})
    refused = attempt(guesser, PASSWORD, address=via_proxy, headers={"X-Forwarded-For": ATTACKER})
    assert refused.status_code == 429
    assert attempt(colleague, PASSWORD, address=via_proxy,
                   headers={"X-Forwarded-For": HOME_ADDRESS}).status_code == 302
    row = db.session.scalar(sa.select(SignIn))
    assert row.address == HOME_ADDRESS


def test_without_trusted_proxies_a_forwarded_header_buys_the_guesser_nothing(strict, world):
    guesser = strict.test_client()
    for i in range(4):
        attempt(guesser, f"guess-{i}", address=ATTACKER, headers={"X-Forwarded-For": f"192.0.2.{i}"})
    assert attempt(guesser, PASSWORD, address=ATTACKER,
                   headers={"X-Forwarded-For": "192.0.2.200"}).status_code == 429


def test_a_right_password_clears_the_addresss_count(strict, world):
    client = strict.test_client()
    for _ in range(2):
        attempt(client, "wrong-one")
    assert attempt(client, PASSWORD).status_code == 302
    client.post("/logout", environ_base={"REMOTE_ADDR": OFFICE})
    for _ in range(2):
        assert attempt(client, "wrong-again").status_code == 200
    assert attempt(client, PASSWORD).status_code == 302  # 4 wrong in all, never 3 in a row


def test_a_json_list_login_gets_no_way_round_the_limits(strict, world):
    """Flask-WTF would read ["member"] as "member": a list is refused outright (and the limits
    would count it for member anyway)."""
    for i in range(6):
        attempt(strict.test_client(), f"guess-{i}", address=f"203.0.113.{i + 10}")
    client = strict.test_client()
    answer = client.post("/login", json={"login": ["member"], "password": PASSWORD},
                         environ_base={"REMOTE_ADDR": "192.0.2.99"})
    assert answer.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignIn)) == 0
    with strict.test_request_context("/login", method="POST", json={"login": [" Member "]}):
        assert throttle.login_of_request() == "member"


@pytest.mark.parametrize("body", [{"login": 123, "password": "x"}, {"login": {"a": 1}, "password": "x"},
                                  {"login": "member", "password": 12345}, ["member", PASSWORD]])
def test_a_json_login_that_is_not_text_is_a_400(client, world, body):
    assert client.post("/login", json=body).status_code == 400

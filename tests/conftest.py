"""Fixtures: app on SQLite (or TEST_DATABASE_URL), clean tables per test, a signed-in client."""
import os

import pytest
from flask.testing import FlaskClient

from meetings import clock as site_clock
from meetings import create_app
from meetings.extensions import db, limiter
from tests import worker_databases
from tests.builders import PASSWORD, RELAXED_LIMITS, empty_tables, make_world
from tests.fixed_time import TEST_NOW

REQUIRE_ALL = os.environ.get("REQUIRE_ALL") == "1"


def pytest_configure(config):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        config.worker_database = worker_databases.claim(worker)


def pytest_unconfigure(config):
    if getattr(config, "worker_database", None):
        worker_databases.release(config.worker_database)


def pytest_report_header(config):
    url = os.environ.get("TEST_DATABASE_URL") or "sqlite (temporary file)"
    return [f"database: {url}", f"REQUIRE_ALL: {REQUIRE_ALL}",
            f"site clock pinned at: {TEST_NOW.isoformat()}"]


@pytest.fixture(autouse=True)
def clock():
    """The site's clock, pinned at ``TEST_NOW`` for each test; ``clock.advance(delta)`` moves it."""
    site_clock.pin(TEST_NOW)
    yield site_clock
    site_clock.pin(None)


def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


class FreshContextClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    Without this, a request made while a test holds an app context would share that
    context's ``g`` (the signed-in user) and database session with the test.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """One app for the session; the schema is created once and emptied after each test."""
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url(tmp_path_factory),
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        **RELAXED_LIMITS,
        "SERVER_NAME": "orglife.test",
        "BASE_URL": "http://orglife.test",  # links in answers and mail: the site, whatever the Host
        "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),  # never the real instance/
    })
    app.test_client_class = FreshContextClient
    with app.app_context():
        expected = os.environ.get("EXPECT_DIALECT")
        if expected and db.engine.dialect.name != expected:
            pytest.fail(f"tests were to run on {expected}, not {db.engine.dialect.name}")
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


# The demo seed takes ~15 s (800 invites built and spooled); tests marked ``shares_demo`` read
# one copy of it, left in the tables, instead of seeding for each test.
_demo_left_in_tables = {"output": None}
DEMO_REPLY_ADDRESS = "rsvp@orglife.local"


@pytest.fixture(autouse=True)
def _clean_tables(request):
    """Empty every table after a test that used the app (before it too, if the demo was kept)."""
    uses_app = "app" in request.fixturenames
    shares = request.node.get_closest_marker("shares_demo") is not None
    if uses_app and not shares and _demo_left_in_tables["output"] is not None:
        _empty(request.getfixturevalue("app"))
    yield
    if uses_app and not shares:
        _empty(request.getfixturevalue("app"))


def _empty(app) -> None:
    with app.app_context():
        db.session.remove()
        empty_tables()
        limiter.reset()  # wrong passwords of one test do not slow the next one's sign-in
    _demo_left_in_tables["output"] = None


@pytest.fixture
def shared_demo(request, app) -> str:
    """``flask seed-demo``'s output, its data in the tables: seeded by the first test that asks."""
    if request.node.get_closest_marker("shares_demo") is None:
        pytest.fail("shared_demo is for tests marked shares_demo", pytrace=False)
    if _demo_left_in_tables["output"] is None:
        _empty(app)
        # As `make run` seeds it: with a reply address, so calendar answers are part of the demo.
        app.config["REPLY_ADDRESS"] = DEMO_REPLY_ADDRESS
        try:
            with app.app_context():
                result = app.test_cli_runner().invoke(args=["seed-demo"])
                db.session.remove()
        finally:
            app.config["REPLY_ADDRESS"] = None
        assert result.exit_code == 0, result.output
        _demo_left_in_tables["output"] = result.output
    return _demo_left_in_tables["output"]



@pytest.fixture
def ctx(app):
    """An app context for tests that call services directly."""
    with app.app_context():
        yield app


@pytest.fixture
def world(ctx):
    """The standard tree with one account per role, committed."""
    w = make_world()
    db.session.commit()
    return w


@pytest.fixture
def client(app):
    return app.test_client()


class Auth:
    """Sign in and out through the real login form."""

    def __init__(self, client):
        self.client = client

    def login(self, login: str, password: str = PASSWORD):
        return self.client.post("/login", data={"login": login, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return Auth(client)

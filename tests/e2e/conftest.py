"""Browser tests: the real site, served on a local port, driven by Debian's Chromium.

Every test here is marked ``e2e``. Without Chromium or the playwright package the tests
skip with a reason, except under ``REQUIRE_ALL=1`` (CI), where that is a failure.
Each page records what would break on the offline intranet: requests to any other host,
console errors (a CSP violation is one) and uncaught script errors; the test fails on any.
"""
import contextlib
import os
import re
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import got_request_exception
from werkzeug.serving import make_server

from meetings import create_app
from meetings.extensions import db
from meetings.services import meeting_types
from tests.builders import PASSWORD, RELAXED_LIMITS, make_world

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
RESULTS = ROOT / "test-results"
REQUIRE_ALL = os.environ.get("REQUIRE_ALL") == "1"
CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
OUTCOMES = pytest.StashKey[dict]()
VIEWPORTS = {
    "phone": {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark everything under tests/e2e, before ``-m`` selects."""
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's outcome so teardown checks don't pile onto a failed test."""
    report = yield
    if HERE in Path(str(item.path)).parents:
        item.stash[OUTCOMES] = item.stash.get(OUTCOMES, {}) | {report.when: report.outcome}
    return report


def _test_failed(request) -> bool:
    return request.node.stash.get(OUTCOMES, {}).get("call") == "failed"


def _unavailable(reason: str):
    if REQUIRE_ALL:
        pytest.fail(f"REQUIRE_ALL=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"no Chromium at {CHROMIUM} (set CHROMIUM=/path/to/chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -r requirements-dev.txt)")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True,
                                             args=CHROMIUM_ARGS)
    except Exception as error:  # noqa: BLE001 - report any launch failure the same way
        playwright.stop()
        _unavailable(f"Chromium at {chromium_path} did not start: {error}")
    yield browser
    browser.close()
    playwright.stop()


@dataclass
class LiveServer:
    url: str
    errors: list = field(default_factory=list)
    app: object = None  # the served app, for a test that changes its configuration


@pytest.fixture
def live_server(app, request):
    """A second app on the same database, with CSRF on, served on a free local port.

    Depending on ``app`` makes sure the schema exists and that ``_clean_tables``
    empties it after the test.
    """
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if url.startswith("sqlite"):
        options["connect_args"] = {"check_same_thread": False}
    site = create_app({
        "DATABASE_URL": url,
        "SQLALCHEMY_ENGINE_OPTIONS": options,
        "WTF_CSRF_ENABLED": True,
        **RELAXED_LIMITS,
        "SECRET_KEY": "e2e",
        "IMPORT_FOLDER": str(request.getfixturevalue("tmp_path") / "imports"),
    })
    server = make_server("127.0.0.1", 0, site, threaded=True)
    live = LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=site)
    site.config["BASE_URL"] = live.url  # links in answers, QR codes and mail lead back here

    def record(sender, exception, **extra):
        live.errors.append(repr(exception))

    got_request_exception.connect(record, site)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    yield live
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    got_request_exception.disconnect(record, site)
    with site.app_context():
        db.engine.dispose()
    if live.errors and _test_failed(request):
        print(f"the server raised: {live.errors}", file=sys.stderr)
    else:
        assert not live.errors, f"the server raised: {live.errors}"


@pytest.fixture
def seed(app) -> dict:
    """The standard world, committed; returned as plain ids and names (no session held)."""
    with app.app_context():
        w = make_world()
        db.session.commit()
        data = {
            "orgs": {key: getattr(w, key).id for key in
                     ("root", "pc_a", "pc_b", "general", "a1", "a2", "b1", "g1", "g2")},
            "people": {login: {"id": p.id, "name": p.name} for login, p in w.people.items()},
        }
        db.session.remove()
    return data


@pytest.fixture
def types(app, seed):
    """The nine default meeting types (the tests build tables with create_all, not the migration)."""
    with app.app_context():
        meeting_types.install_defaults()
        db.session.commit()
        db.session.remove()


class Pages:
    """Opens pages in fresh browser contexts and records what must not happen."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.contexts = []
        self.pages = []
        self.offsite: list[str] = []
        self.console_errors: list[str] = []
        self.allowed_console: list[re.Pattern] = []

    def new(self, device: str = "phone"):
        context = self.browser.new_context(base_url=self.base_url, locale="zh-CN",
                                           timezone_id="Asia/Shanghai", **VIEWPORTS[device])
        context.set_default_timeout(10_000)
        context.on("request", self._on_request)
        page = context.new_page()
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(f"pageerror: {error}"))
        page.on("dialog", lambda dialog: dialog.accept())
        self.contexts.append(context)
        self.pages.append(page)
        return page

    def allow_console(self, pattern: str) -> None:
        """An expected console error, e.g. the browser noting a 403 response."""
        self.allowed_console.append(re.compile(pattern))

    def _on_request(self, request) -> None:
        url = request.url
        if not (url == self.base_url or url.startswith(self.base_url + "/")
                or url.startswith("data:")):
            self.offsite.append(url)

    def _on_console(self, message) -> None:
        if message.type == "error":
            text = message.text
            if not any(p.search(text) for p in self.allowed_console):
                self.console_errors.append(f"{text} @ {message.location.get('url', '')}")

    def assert_clean(self) -> None:
        assert self.offsite == [], f"requests left the site: {self.offsite}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"

    def close(self, name: str) -> None:
        RESULTS.mkdir(exist_ok=True)
        for n, page in enumerate(self.pages):
            suffix = "" if n == 0 else f"-{n + 1}"
            with contextlib.suppress(Exception):  # a screenshot is a courtesy, not a check
                page.screenshot(path=str(RESULTS / f"{name}{suffix}.png"), full_page=True)
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser, live_server, request):
    """``pages.new("phone" | "desktop")`` → a Playwright page on the live site."""
    pages = Pages(browser, live_server.url)
    yield pages
    name = re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")
    pages.close(name)
    if _test_failed(request):
        print(f"off-site requests: {pages.offsite}\nconsole errors: {pages.console_errors}",
              file=sys.stderr)
    else:
        pages.assert_clean()


@pytest.fixture
def site(pages, seed):
    """Shortcut for tests that want a seeded site and a way to sign in."""
    return Site(pages, seed)


class Site:
    def __init__(self, pages: Pages, seed: dict):
        self.pages = pages
        self.seed = seed

    def person(self, login: str) -> dict:
        return self.seed["people"][login]

    def org(self, key: str) -> int:
        return self.seed["orgs"][key]

    def sign_in(self, page, login: str, password: str = PASSWORD) -> None:
        """Through the real form, as a person would."""
        page.goto("/login")
        page.locator("input[name=login]").fill(login)
        page.locator("input[name=password]").fill(password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()

    def open_menu(self, page) -> None:
        """On a phone the navigation hides behind the ☰ button (static/js/site.js)."""
        toggle = page.locator("[data-nav-toggle]")
        if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
            toggle.click()
            page.locator("#site-nav").wait_for(state="visible")

    def sign_out(self, page) -> None:
        self.open_menu(page)
        page.locator("form[action$='/logout'] button").click()
        page.wait_for_load_state()


@pytest.fixture
def expect(browser):
    """Playwright's ``expect`` (imported late so a missing package skips, not errors)."""
    from playwright.sync_api import expect

    return expect

"""Browser-like clients for ``bench.load``: sign-in through the form, what each account visits,
and timed phases that record every answer (latency per kind, or the error)."""
import http.cookiejar
import itertools
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field

from meetings.domain.terms import Role
from meetings.seeding.demo.data import ACCOUNTS, DEFAULT_PASSWORD

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
MEETING_LINK = re.compile(r'href="/meetings/(\d+)"')
MEETING_PATH = re.compile(r"/meetings/\d+")
FIXED_KINDS = {"/": "home", "/healthz": "healthz", "/compliance": "dashboard"}
BRANCH_LIST_LINK = re.compile(r'href="(/branches/\d+/meetings)"')
FEED_PATH = re.compile(r"/calendar/[A-Za-z0-9_-]+\.ics")
DASHBOARD_ROLES = {Role.ADMIN, Role.LIAISON, Role.SECRETARY}  # recorder and member get a 403
MAX_MEETINGS = 20  # meeting pages per account, visited in rotation
SETUP_TIMEOUT = 60.0  # sign-in and discovery: 50 password checks at once, first renders

Plan = dict[str, list[str]]  # kind ("home", "meeting", "feed", "dashboard") -> paths


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer to check, not to follow: a lost session must not pass as the
    login page's 200."""

    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One visitor with its own cookie jar, signed in as a demo account through the login form."""

    def __init__(self, base: str, login: str, timeout: float):
        self.base, self.login, self.timeout = base, login, timeout
        self.opener = urllib.request.build_opener(
            NoRedirect(), urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self._sign_in()

    def _sign_in(self) -> None:
        token = CSRF.search(self.fetch("/login", SETUP_TIMEOUT).decode()).group(1)
        form = {"csrf_token": token, "login": self.login, "password": DEFAULT_PASSWORD}
        try:
            self.opener.open(self.base + "/login", data=urllib.parse.urlencode(form).encode(),
                             timeout=SETUP_TIMEOUT).read()
        except urllib.error.HTTPError as answer:
            if answer.code == 302 and "/login" not in answer.headers.get("Location", "/login"):
                return
            raise
        raise RuntimeError(f"sign-in as {self.login} was refused (the form came back)")

    def fetch(self, path: str, timeout: float) -> bytes:
        """GET the path; anything but 200 raises (urllib raises for 3xx/4xx/5xx itself)."""
        with self.opener.open(self.base + path, timeout=timeout) as response:
            body = response.read()
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}")
            return body

    def timed(self, path: str) -> float:
        """Seconds for one full GET; over the timeout counts as a failure even if it arrived."""
        start = time.perf_counter()
        self.fetch(path, self.timeout)
        elapsed = time.perf_counter() - start
        if elapsed > self.timeout:
            raise TimeoutError(f"{elapsed:.1f}s > {self.timeout:.0f}s")
        return elapsed


def discover(base: str, timeout: float) -> dict[str, Plan]:
    """Sign in once per demo account, in turn, and note what it may visit.

    Branch accounts go first: their home links the branch's meeting list, which is where the
    工委 accounts (whose home lists no meetings of their own) find meeting pages. Visiting
    ``/calendar`` issues the person's feed token; done here, one account at a time, so that
    concurrent first visits cannot rotate each other's link away.
    """
    plans: dict[str, Plan] = {}
    branch_lists: list[str] = []
    for spec in sorted(ACCOUNTS, key=lambda a: a.branch is None):
        client = Client(base, spec.login, timeout)
        home = client.fetch("/", SETUP_TIMEOUT).decode()
        branch_lists += BRANCH_LIST_LINK.findall(home)
        ids = MEETING_LINK.findall(home)
        if not ids and branch_lists:
            ids = MEETING_LINK.findall(client.fetch(branch_lists[0], SETUP_TIMEOUT).decode())
        feed = FEED_PATH.search(client.fetch("/calendar", SETUP_TIMEOUT).decode())
        if not ids or feed is None:
            raise RuntimeError(f"{spec.login}: no meeting pages or no feed link found")
        plan = {"home": ["/"], "meeting": [f"/meetings/{i}" for i in dict.fromkeys(ids)][:MAX_MEETINGS],
                "feed": [feed.group(0)]}
        if spec.role in DASHBOARD_ROLES:
            plan["dashboard"] = ["/compliance"]
        for path in itertools.chain.from_iterable(plan.values()):
            client.fetch(path, SETUP_TIMEOUT)  # each page answers 200 before the clock starts (and is warm)
        plans[spec.login] = plan
    return plans


def schedule(plan: Plan) -> Iterator[tuple[str, str]]:
    """Endless (kind, path): every kind in turn, each kind's paths in rotation."""
    rotations = {kind: itertools.cycle(paths) for kind, paths in plan.items()}
    for kind in itertools.cycle(plan):
        yield kind, next(rotations[kind])


@dataclass
class Phase:
    """One timed run: latencies per kind, errors as (kind, message), requests sent, wall time."""

    max_requests: int
    timings: dict[str, list[float]] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)
    sent: int = 0
    elapsed: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self) -> bool:
        """One request from the budget, or False once it is spent."""
        with self.lock:
            if self.sent >= self.max_requests:
                return False
            self.sent += 1
            return True

    def record(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.timings.setdefault(kind, []).append(seconds)

    def fail(self, kind: str, message: str) -> None:
        with self.lock:
            self.errors.append((kind, message))


def run_phase(clients: list[tuple[Client, Iterator[tuple[str, str]]]], seconds: float,
              max_requests: int) -> Phase:
    """All clients at once until ``seconds`` pass or ``max_requests`` are sent, whichever first."""
    phase = Phase(max_requests)
    start = threading.Barrier(len(clients) + 1)
    threads = [threading.Thread(target=_drive, args=(c, s, phase, start, seconds), daemon=True)
               for c, s in clients]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join(max(0.0, began + seconds + clients[0][0].timeout + 5 - time.perf_counter()))
    phase.elapsed = time.perf_counter() - began
    stuck = sum(thread.is_alive() for thread in threads)
    if stuck:
        phase.fail("*", f"{stuck} clients still waiting after the deadline and their timeout")
    return phase


def _drive(client: Client, visits: Iterator[tuple[str, str]], phase: Phase,
           start: threading.Barrier, seconds: float) -> None:
    start.wait()
    deadline = time.perf_counter() + seconds
    for kind, path in visits:
        if time.perf_counter() >= deadline or not phase.take():
            return
        try:
            phase.record(kind, client.timed(path))
        except Exception as error:  # every failure is counted, none hidden
            phase.fail(kind, f"{client.login} GET {path}: {error!r}")


def kind_of(path: str) -> str | None:
    """The table row a request path belongs to (None: sign-in and discovery pages)."""
    if MEETING_PATH.fullmatch(path):
        return "meeting"
    if FEED_PATH.fullmatch(path):
        return "feed"
    return FIXED_KINDS.get(path)


def server_times(access_log: str, offset: int) -> dict[str, list[float]]:
    """Seconds each request spent inside a gunicorn worker (its ``%(D)s``), per kind, from the
    log lines written after ``offset``: what the page costs, without the queue in front of it."""
    found: dict[str, list[float]] = {}
    with open(access_log, encoding="utf-8") as log:
        log.seek(offset)
        for line in log:
            path, _status, micros = line.split()
            if kind := kind_of(path):
                found.setdefault(kind, []).append(int(micros) / 1e6)
    return found


@dataclass(frozen=True)
class Row:
    """One line of the table: a kind's requests, errors, p50/p99 as the client saw them and the
    median time inside the server (seconds), and requests/s."""

    kind: str
    requests: int
    errors: int
    p50: float
    p99: float
    served: float
    rate: float


def summarize(kind: str, timings: list[float], errors: int, elapsed: float, served: list[float]) -> Row:
    """Percentiles by ``statistics.quantiles`` (inclusive: p99 never beyond the slowest seen)."""
    if len(timings) < 2:
        p50 = p99 = timings[0] if timings else float("nan")
    else:
        cuts = statistics.quantiles(timings, n=100, method="inclusive")
        p50, p99 = cuts[49], cuts[98]
    median = statistics.median(served) if served else float("nan")
    return Row(kind, len(timings), errors, p50, p99, median, len(timings) / elapsed)

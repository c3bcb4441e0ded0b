"""The site under 50 concurrent signed-in clients on gunicorn + PostgreSQL (DESIGN §7), loopback only.

Creates a fresh PostgreSQL database on 127.0.0.1 (user ``postgres``, trust auth; dropped at the
end, on failure too) — or uses ``DATABASE_URL``, or a temporary SQLite file with ``--sqlite`` —
brings it up with ``db upgrade`` + ``seed-demo``, and starts gunicorn (2 workers) on a free
127.0.0.1 port. Each client signs in through the login form as one of the demo accounts, in turn.

Two phases of ``--seconds`` each (and at most ``--max-requests``), all clients at once:
``/healthz`` (one ``SELECT 1``: the floor for any answer), then the pages in turn — home ``/``,
meeting pages the account can see, its personal calendar feed, and ``/compliance`` for the
admin, liaison and secretary. Prints per kind: requests, errors, p50, p99, requests/s, and p50
and throughput relative to ``/healthz`` in this run. Exits 1 on any error (a status other than
200, an exception, or an answer slower than ``--timeout``), printing the first few.

    .venv/bin/python -m bench.load [--clients 50] [--seconds 60] [--workers 2] [--sqlite]
"""
import argparse
import concurrent.futures
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator

from bench.load_clients import Client, Phase, Row, discover, run_phase, schedule, server_times, summarize

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PG_SERVER = "host=127.0.0.1 user=postgres dbname=postgres"
PAGE_KINDS = ("home", "meeting", "feed", "dashboard")
SHOWN_ERRORS = 5


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60, help="length of each phase")
    parser.add_argument("--max-requests", type=int, default=200_000, help="cap per phase")
    parser.add_argument("--timeout", type=float, default=30, help="per request, seconds")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help=">1: gthread workers")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead")
    return parser.parse_args()


@contextlib.contextmanager
def database(sqlite: bool) -> Iterator[str]:
    """The SQLAlchemy URL to run on; a database made here is removed on the way out."""
    if sqlite:
        with tempfile.TemporaryDirectory() as folder:
            yield "sqlite:///" + os.path.join(folder, "load.db")
    elif os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
    else:
        name = f"orglife_load_{os.getpid()}"
        _pg_admin(f'CREATE DATABASE "{name}"')
        try:
            yield f"postgresql+psycopg://postgres@127.0.0.1/{name}"
        finally:
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        conn.execute(statement)


def site_env(url: str) -> dict[str, str]:
    """The app's environment: this database, and sign-in limits that let 50 clients in."""
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench-load",
               # All clients come from 127.0.0.1 as five accounts: ten sign-ins per login within
               # the first seconds, which the default 10/minute per address and login would refuse.
               LOGIN_RATE_LIMIT="10000 per minute", LOGIN_IP_RATE_LIMIT="10000 per minute",
               # Never dialled: with a relay set, seed-demo only queues the demo invites instead of
               # writing ~600 .eml files into instance/mail.
               SMTP_URL="smtp://127.0.0.1:9")
    env.pop("ORGLIFE_PRODUCTION", None)  # Secure cookies would not come back over plain http
    return env


def seed(env: dict[str, str]) -> None:
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for command in (["db", "upgrade"], ["seed-demo"]):
        done = subprocess.run([*flask, *command], env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"flask {' '.join(command)} failed:\n{done.stderr[-2000:]}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(env: dict[str, str], workers: int, threads: int, access_log: str) -> Iterator[str]:
    """gunicorn on 127.0.0.1 until the block ends; yields its base URL once /healthz answers.

    Sync workers by default, as the README's production command runs them (behind nginx, which
    buffers slow clients): on 2 cores the requests are CPU-bound Python (SQLAlchemy, Jinja), so
    threads would mostly queue on the GIL, and each process keeps one database connection.
    Clients beyond the workers wait in the listen backlog, which is what this run measures.
    """
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers),
               "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
               "--access-logfile", access_log, "--access-logformat", "%(U)s %(s)s %(D)s"]
    if threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    server = subprocess.Popen([*command, "wsgi:app"], env=env, cwd=ROOT)
    try:
        yield _wait_until_up(f"http://127.0.0.1:{port}", server)
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_up(base: str, server: subprocess.Popen) -> str:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).read()
            return base
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not come up in 30 s")


def sign_in_all(base: str, logins: list[str], count: int, timeout: float) -> list[Client]:
    """``count`` clients, the demo accounts in turn, all signing in at once (nine o'clock)."""
    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        return list(pool.map(lambda n: Client(base, logins[n % len(logins)], timeout), range(count)))


def measure(opts: argparse.Namespace, base: str, access_log: str) -> tuple[Phase, Phase, int]:
    """Sign in, then the /healthz phase, then the pages phase, with the same clients; also where
    the access log stood when the phases began."""
    plans = discover(base, opts.timeout)
    clients = sign_in_all(base, list(plans), opts.clients, opts.timeout)
    offset = os.path.getsize(access_log)
    health = run_phase([(c, schedule({"healthz": ["/healthz"]})) for c in clients],
                       opts.seconds, opts.max_requests)
    pages = run_phase([(c, schedule(plans[c.login])) for c in clients], opts.seconds, opts.max_requests)
    return health, pages, offset


def rows(health: Phase, pages: Phase, served: dict[str, list[float]]) -> list[Row]:
    """healthz, each page kind, and all pages together."""
    def row(name: str, phase: Phase, kinds: tuple[str, ...]) -> Row:
        timings = [t for kind in kinds for t in phase.timings.get(kind, [])]
        errors = sum(kind in kinds for kind, _ in phase.errors)
        inside = [t for kind in kinds for t in served.get(kind, [])]
        return summarize(name, timings, errors, phase.elapsed, inside)

    return [row("healthz", health, ("healthz",)), *[row(kind, pages, (kind,)) for kind in PAGE_KINDS],
            row("all pages", pages, PAGE_KINDS)]


def print_table(table: list[Row]) -> None:
    base_p50, base_rate = table[0].p50, table[0].rate or float("nan")
    print(f"{'kind':<10}{'requests':>9}{'errors':>7}{'p50 ms':>9}{'p99 ms':>9}{'server p50':>11}"
          f"{'req/s':>8}{'p50 ÷ healthz':>15}{'req/s ÷ healthz':>17}")
    for row in table:
        print(f"{row.kind:<10}{row.requests:>9}{row.errors:>7}{row.p50 * 1000:>9.1f}"
              f"{row.p99 * 1000:>9.1f}{row.served * 1000:>11.1f}{row.rate:>8.1f}"
              f"{row.p50 / base_p50:>15.2f}{row.rate / base_rate:>17.3f}")


def report(opts: argparse.Namespace, where: str, phases: tuple[Phase, Phase],
           served: dict[str, list[float]]) -> int:
    """The table and notes; 1 if anything failed."""
    health, pages = phases
    threads = f"gthread ×{opts.threads}" if opts.threads > 1 else "sync"
    print(f"{opts.clients} clients, gunicorn {opts.workers} {threads} workers, {where}, "
          f"{opts.seconds:.0f} s per phase (healthz {health.elapsed:.1f} s, pages {pages.elapsed:.1f} s), "
          f"{os.cpu_count()} CPUs")
    print_table(rows(health, pages, served))
    print("p50/p99: as the clients saw it, queue included; server p50: time inside a worker "
          "(gunicorn's access log). Per-kind req/s is that kind's share of the mixed pages phase. "
          "The load generator (Python threads, one process) shares the CPUs with gunicorn and "
          "PostgreSQL: latencies include its own waiting, and /healthz throughput is partly its limit.")
    errors = health.errors + pages.errors
    print(f"errors: {len(errors)}")
    for kind, message in errors[:SHOWN_ERRORS]:
        print(f"  [{kind}] {message}")
    return 1 if errors else 0


def main() -> None:
    opts = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the clean-ups on kill too
    with tempfile.TemporaryDirectory() as scratch, database(opts.sqlite) as url:
        env, access_log = site_env(url), os.path.join(scratch, "access.log")
        seed(env)
        with serve(env, opts.workers, opts.threads, access_log) as base:
            health, pages, offset = measure(opts, base, access_log)
        served = server_times(access_log, offset)
    where = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
    sys.exit(report(opts, where, (health, pages), served))


if __name__ == "__main__":
    main()

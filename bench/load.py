"""The site under 50 concurrent clients on gunicorn (DESIGN §7), on loopback only.

Seeds the demo into a temporary SQLite database (or uses ``DATABASE_URL``), starts
gunicorn with 4 workers on a free 127.0.0.1 port, signs in 50 clients (one per demo
account in turn) and has each load its home page and its branch page for a bounded time.
Prints errors (must be 0) and the ratio of median latency under load to a lone client's.

    .venv/bin/python -m bench.load [--clients 50] [--seconds 20]
"""
import argparse
import http.cookiejar
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

LOGINS = ("admin", "liaison", "secretary", "recorder", "member")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_site(env: dict, port: int) -> subprocess.Popen:
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([*flask, "seed-demo"], env=env, check=True, capture_output=True)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "4", "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning", "wsgi:app"], env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not come up")


class Client:
    """One browser-like visitor with its own cookies, signed in through the form."""

    def __init__(self, base: str, login: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = self.opener.open(base + "/login", timeout=10).read().decode()
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        body = urllib.parse.urlencode({"csrf_token": token, "login": login, "password": "orglife-demo"})
        self.opener.open(base + "/login", data=body.encode(), timeout=10).read()

    def visit(self, path: str) -> float:
        start = time.perf_counter()
        with self.opener.open(self.base + path, timeout=30) as response:
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status}")
        return time.perf_counter() - start


def run_clients(base: str, count: int, seconds: float) -> tuple[list[float], list[str]]:
    timings: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + seconds

    def work(n: int) -> None:
        try:
            client = Client(base, LOGINS[n % len(LOGINS)])
            while time.monotonic() < deadline:
                for path in ("/", "/orgs"):
                    timings.append(client.visit(path))
        except Exception as error:  # every failure is counted, none hidden
            errors.append(repr(error))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    return timings, errors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    opts = parser.parse_args()
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", "sqlite:///" + os.path.join(tempfile.mkdtemp(), "load.db"))
    env["SECRET_KEY"] = "bench-load"
    port = free_port()
    server = start_site(env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        alone, alone_errors = run_clients(base, 1, 5)
        loaded, errors = run_clients(base, opts.clients, opts.seconds)
    finally:
        server.terminate()
        server.wait(10)
    errors += alone_errors
    print(f"requests: {len(loaded)} from {opts.clients} clients in {opts.seconds:.0f}s, "
          f"errors: {len(errors)}")
    for error in errors[:5]:
        print("  ", error)
    ratio = statistics.median(loaded) / statistics.median(alone)
    print(f"median latency under load / alone: {ratio:.1f}x "
          f"(throughput {len(loaded) / opts.seconds:.0f} pages/s on 4 workers)")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()

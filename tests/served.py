"""The site as the README deploys it, in child processes: gunicorn and ``flask --app wsgi``
commands, configured only by their environment, on the real clock.

Children leave faketime behind (its LD_PRELOAD would follow them, and gunicorn's timed waits
fail under it) and start from a clean slate of OrgLife settings: only what a test passes.
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.smtp_server import free_port

ROOT = Path(__file__).resolve().parents[1]
FAKED = ("LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_FAKE_MONOTONIC", "FAKETIME_NO_CACHE")
SETTINGS = ("DATABASE_URL", "SECRET_KEY", "BASE_URL", "SMTP_URL", "MAIL_FROM", "REPLY_ADDRESS", "REDIS_URL",
            "ORGLIFE_PRODUCTION", "ORGLIFE_INSTANCE", "ORGLIFE_PORT", "LOGIN_RATE_LIMIT",
            "LOGIN_IP_RATE_LIMIT", "API_RATE_LIMIT")


def pause(seconds: float) -> None:
    threading.Event().wait(seconds)  # time.sleep fails under faketime (EINVAL)


def child_env(**settings: str) -> dict[str, str]:
    """This process's environment without faketime and without any OrgLife setting, plus
    ``settings``."""
    env = {k: v for k, v in os.environ.items() if k not in FAKED and k not in SETTINGS}
    env.update(settings)
    return env


def flask(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """``flask --app wsgi ARGS`` to its end (no timeout: Popen's timed wait sleeps, see pause)."""
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=False)


class Server:
    """A running gunicorn: its ``base`` URL, ``process`` and what it wrote (``log()``)."""

    def __init__(self, base: str, process: subprocess.Popen, log_path: Path):
        self.base, self.process, self.log_path = base, process, log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextlib.contextmanager
def gunicorn(env: dict[str, str], log_dir: Path, *, workers: int = 2,
             access_log: Path | None = None) -> Iterator[Server]:
    """gunicorn on a free loopback port until the block ends; its stderr goes to a file (a
    pipe nobody reads would stall it once full). It starts in the project's root, as the README
    deploys it, so it reads ``gunicorn.conf.py`` there."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
               "--log-level", "warning", *(["--access-logfile", str(access_log)] if access_log else []),
               "wsgi:app"]
    log_path = log_dir / f"gunicorn-{port}.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stderr=log, stdout=log)
    server = Server(f"http://127.0.0.1:{port}", process, log_path)
    try:
        _wait_until_up(server)
        yield server
    finally:
        process.terminate()
        process.wait()


def _wait_until_up(server: Server) -> None:
    base = server.base
    for _ in range(300):
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.process.returncode}: {server.log()[-3000:]}")
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            return
        except OSError:
            pause(0.1)
    raise RuntimeError("gunicorn did not come up in 30 s")

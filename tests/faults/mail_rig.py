"""The mail worker as a real process, a relay that can be slowed and stopped, and a count of
what arrived: the parts of the mail fault tests and of ``bench/mail.py``.

The worker is ``flask --app wsgi send-mail`` in its own process, on the test's database, on
the real clock (it is another program): so messages are queued at the real time here.
"""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from meetings.domain.terms import OutboxStatus
from meetings.extensions import db
from meetings.models import OutboxMessage
from meetings.services import outbox
from tests.smtp_server import Collector, SmtpServer

ROOT = Path(__file__).resolve().parents[2]
SENDER = "组织生活 <orglife@example.org>"


class SlowCollector(Collector):
    """A relay that takes ``delay`` seconds over each DATA, so a kill often lands inside one."""

    def __init__(self, delay: float):
        super().__init__()
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


def relay(delay: float = 0.0) -> SmtpServer:
    server = SmtpServer()
    server.handler = SlowCollector(delay)
    return server


def wall_clock() -> datetime:
    """An hour ago by this process's clock: the worker is another program on its own clock, and
    under faketime a child's clock starts again at the fake instant, behind its parent's; an
    hour back, its mail is due for the worker either way (and far from the days of retries)."""
    return datetime.now(UTC) - timedelta(hours=1)


def queue_messages(count: int) -> list[int]:
    """``count`` messages to distinct recipients, committed; their ids."""
    now, ids = wall_clock(), []
    for n in range(count):
        message = outbox.build_message(sender=SENDER, recipient=f"m{n}@example.org", subject=f"会议通知 {n}",
                                       text="请准时参加。\n", now=now)
        ids.append(outbox.enqueue(message, kind="alert", now=now).id)
    db.session.commit()
    return ids


class WorkerProcess:
    """``send-mail`` looping in a child process against ``database_url`` and ``smtp_url``."""

    def __init__(self, database_url: str, smtp_url: str, *, interval: float = 0.1, batch: int = 1000):
        self.env = {**os.environ, "DATABASE_URL": database_url, "SMTP_URL": smtp_url,
                    "SECRET_KEY": "fault-tests", "PYTHONUNBUFFERED": "1"}
        self.env.pop("ORGLIFE_PRODUCTION", None)
        self.args = [sys.executable, "-m", "flask", "--app", "wsgi", "send-mail",
                     "--interval", str(interval), "--batch", str(batch)]
        self.process: subprocess.Popen | None = None
        self.output = ""

    def start(self) -> WorkerProcess:
        # A file, not a pipe: a worker printing a line per message would fill a pipe nobody
        # reads until it stops, and block.
        self.log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 (closed in signal)
        self.process = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdout=self.log,
                                        stderr=subprocess.STDOUT, text=True)
        return self

    def signal(self, signum: int, *, timeout: float = 30) -> int:
        """Send ``signum`` and wait for the process to end; its exit code. (Polled: Popen.wait's
        timeout sleeps with time.sleep, which fails under CI's faketime.)"""
        self.process.send_signal(signum)
        try:
            if not wait_until(lambda: self.process.poll() is not None, timeout=timeout, step=0.02):
                self.process.kill()
                self.process.wait()
                raise TimeoutError(f"the worker did not stop within {timeout} s of signal {signum}")
        finally:
            self.process.wait()
            self.log.seek(0)
            self.output += self.log.read()
            self.log.close()
        return self.process.returncode

    def kill(self) -> None:
        self.signal(signal.SIGKILL)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


def statuses() -> Counter:
    db.session.expire_all()
    return Counter(db.session.scalars(sa.select(OutboxMessage.status)))


def pause(seconds: float) -> None:
    """Sleep, the way that works under CI's faketime too (its time.sleep fails with EINVAL)."""
    threading.Event().wait(seconds)


def wait_until(predicate, *, timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        pause(step)
    return predicate()


def drained(total: int) -> bool:
    return statuses().get(OutboxStatus.SENT, 0) == total


def arrivals(server: SmtpServer) -> Counter:
    """How often each Message-ID reached the relay."""
    return Counter(m["Message-ID"] for m in server.handler.messages())


def interrupted_total() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(OutboxMessage.interrupted), 0)))


def attempted(total: int) -> bool:
    """Has every message been tried at least once?"""
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.attempts > 0)) == total


def retry_now() -> None:
    """What ``mail-queue --requeue-all`` does: waiting messages are due again now."""
    from meetings.services.mail import queue

    queue.requeue(None, wall_clock())
    db.session.commit()

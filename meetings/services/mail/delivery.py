"""The outbox worker (发信): send due messages in order, retry for days, survive its own crashes.

One message at a time, each in three short transactions:

1. **claim** — lock the oldest due pending row that no other worker holds (PostgreSQL:
   ``FOR UPDATE SKIP LOCKED``) and whose thread (meeting × recipient) has nothing older
   still waiting; a message overtaken by a newer state of its meeting is marked
   ``superseded`` instead of sent;
2. **mark sending** — status ``sending``, the worker's name, attempts + 1, committed
   *before* the SMTP transaction, so a crash inside it leaves a visible trace;
3. **record** — ``sent``, or the error and the next try, committed.

Delivery guarantee: *at least once*, with at most one duplicate per crash. A worker killed
between the relay's "250 OK" and step 3 leaves its row ``sending``; the next pass finds the
worker dead (same host: its process is gone; elsewhere: the claim is older than the lease),
counts an ``interrupted`` delivery and sends that one message again, with the same bytes,
so the same ``Message-ID`` (mail clients fold the copy) and the same UID and SEQUENCE.
No protocol between two systems closes that window; what matters is that it is bounded
and recorded. A SIGTERM sets ``stop``: the message in hand is finished, no new one taken.

On SQLite there is a single writer and ``FOR UPDATE`` is not rendered; run one worker.
Unlike the other services this one commits: it is the worker's own unit of work.
"""
from __future__ import annotations

import os
import smtplib
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from meetings.domain.terms import OutboxStatus
from meetings.extensions import db
from meetings.models import OutboxMessage
from meetings.services.mail import ordering
from meetings.services.mail.transports import Transport

FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(minutes=30)  # once the relay is back, all mail is out within this
RETRY_FOR = timedelta(days=7)  # a relay down over a long holiday; then the message is `failed`
SENDING_LEASE = timedelta(minutes=10)  # far above the SMTP timeout: a claim this old is dead
ERROR_LENGTH = 2000
INTERRUPTED = ("发送中断（发信进程在投递时退出），可能已送达，将重发一次 "
               "Interrupted: the worker stopped mid-delivery")

# Workers alive in this process, by name: a row claimed by a name of this process that is
# not here was left by a worker that raised (say, the database went away after the send).
_LIVE: set[str] = set()
_LIVE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Outcome:
    """What happened to one message in one pass."""

    id: int
    recipient: str
    subject: str
    status: OutboxStatus
    attempts: int
    error: str | None = None
    next_attempt_at: datetime | None = None


@dataclass
class DeliveryReport:
    """One pass of the worker: sent, scheduled for a retry, given up, overtaken, recovered."""

    sent: list[Outcome] = field(default_factory=list)
    retrying: list[Outcome] = field(default_factory=list)
    failed: list[Outcome] = field(default_factory=list)
    superseded: list[Outcome] = field(default_factory=list)
    recovered: list[Outcome] = field(default_factory=list)  # interrupted deliveries found

    @property
    def handled(self) -> int:
        return len(self.sent) + len(self.retrying) + len(self.failed) + len(self.superseded)

    def add(self, outcome: Outcome) -> None:
        {OutboxStatus.SENT: self.sent, OutboxStatus.FAILED: self.failed,
         OutboxStatus.SUPERSEDED: self.superseded}.get(outcome.status, self.retrying).append(outcome)


class Worker:
    """A named sender: ``host:pid:nonce``, written on every row it claims."""

    def __init__(self):
        self.host, self.pid = socket.gethostname()[:60], os.getpid()
        self.name = f"{self.host}:{self.pid}:{uuid.uuid4().hex[:12]}"
        with _LIVE_LOCK:
            _LIVE.add(self.name)

    def retire(self) -> None:
        with _LIVE_LOCK:
            _LIVE.discard(self.name)

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc) -> None:
        self.retire()


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after ``attempts`` failures: 1, 2, 4 … minutes, at most 30."""
    return min(FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 16), LONGEST_RETRY)  # 2**16 min > cap


def deliver_due(now: datetime, *, transport: Transport, batch: int = 20, worker: Worker | None = None,
                stop: Callable[[], bool] = lambda: False,
                clock: Callable[[], datetime] | None = None) -> DeliveryReport:
    """Recover interrupted deliveries, then send up to ``batch`` due messages, oldest first.

    ``now`` decides what is due; ``clock`` (the worker passes the site's) stamps when each
    message was claimed and sent, which a slow relay puts well after the pass began."""
    clock = clock or (lambda: now)
    own = worker is None
    worker = worker or Worker()
    report = DeliveryReport()
    try:
        report.recovered = recover_interrupted(now, worker)
        db.session.commit()
        for _ in range(batch):
            if stop():
                break
            row = _claim(now)
            if row is None:
                break
            report.add(_handle(row, clock, transport, worker))
    except BaseException:
        db.session.rollback()
        raise
    finally:
        transport.close()
        if own:
            worker.retire()
    return report


def _handle(row: OutboxMessage, clock: Callable[[], datetime], transport: Transport,
            worker: Worker) -> Outcome:
    """Supersede, or mark sending → send → record; each step committed."""
    newer = ordering.overtaken_by(row)
    if newer is not None:
        row.status, row.superseded_by_id = OutboxStatus.SUPERSEDED, newer
        db.session.commit()
        return _outcome(row)
    row.status, row.claimed_by, row.claimed_at = OutboxStatus.SENDING, worker.name, clock()
    row.attempts += 1
    db.session.commit()  # from here a crash is recorded on the row
    try:
        transport.send(row.recipient, row.message, ref=row.id)
    except Exception as exc:  # any failure of one message must not stop the queue
        record_failure(row, clock(), exc)
    else:
        row.status, row.sent_at, row.last_error = OutboxStatus.SENT, clock(), None
    row.claimed_by = row.claimed_at = None
    db.session.commit()
    return _outcome(row)


def _outcome(row: OutboxMessage) -> Outcome:
    waiting = row.status == OutboxStatus.PENDING
    return Outcome(row.id, row.recipient, row.subject, row.status, row.attempts, row.last_error,
                   row.next_attempt_at if waiting else None)


def _claim(now: datetime) -> OutboxMessage | None:
    """Lock the oldest due pending row whose thread has nothing older waiting (SKIP LOCKED)."""
    query = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now,
               ~ordering.waits_behind_older())
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return db.session.scalar(query)


def recover_interrupted(now: datetime, worker: Worker) -> list[Outcome]:
    """``sending`` rows whose worker is gone: count the interruption and queue them again
    (or supersede them, when a newer state of their thread exists). Flushed, not committed."""
    rows = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENDING)
                              .order_by(OutboxMessage.id).with_for_update(skip_locked=True)).all()
    found = []
    for row in rows:
        if not _abandoned(row, now, worker):
            continue
        row.interrupted += 1
        row.last_error = INTERRUPTED
        row.claimed_by = row.claimed_at = None
        newer = ordering.overtaken_by(row)
        if newer is not None:
            row.status, row.superseded_by_id = OutboxStatus.SUPERSEDED, newer
        else:
            row.status, row.next_attempt_at = OutboxStatus.PENDING, now
        found.append(_outcome(row))
    db.session.flush()
    return found


def _abandoned(row: OutboxMessage, now: datetime, worker: Worker) -> bool:
    """Is the worker that claimed ``row`` gone? Certain on this host, by lease elsewhere."""
    host, _, rest = (row.claimed_by or "").partition(":")
    pid_text = rest.partition(":")[0]
    if host != worker.host or not pid_text.isdigit():
        return row.claimed_at is None or row.claimed_at <= now - SENDING_LEASE
    pid = int(pid_text)
    if pid == worker.pid:
        with _LIVE_LOCK:
            return row.claimed_by not in _LIVE
    return not _process_alive(pid)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def record_failure(row: OutboxMessage, now: datetime, exc: Exception) -> None:
    """The error on the row, and a retry after the backoff, or `failed` when it is final."""
    row.last_error = f"{type(exc).__name__}: {describe(exc)}"[:ERROR_LENGTH]
    if _permanent(exc) or now - row.queued_at >= RETRY_FOR:
        row.status = OutboxStatus.FAILED
    else:
        row.status, row.next_attempt_at = OutboxStatus.PENDING, now + backoff(row.attempts)


def describe(exc: Exception) -> str:
    """The relay's answer as an administrator reads it ("550 5.1.1 …"), not a Python repr."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{rcpt + ' ' if rcpt else ''}{code} {_text(msg)}"
                         for rcpt, (code, msg) in exc.recipients.items())
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return str(exc)


def _text(message: bytes | str) -> str:
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)


def _permanent(exc: Exception) -> bool:
    """A 5xx answer (no such mailbox, refused) will not change on retry."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return 500 <= exc.smtp_code < 600
    return False  # connection, TLS, login or sender trouble is the relay's or the config's: retry

"""The outbox worker (发信): send due messages, retry with backoff, give up after MAX_ATTEMPTS.

Delivery guarantee. Each message is claimed in its own transaction — on PostgreSQL with
``SELECT … FOR UPDATE SKIP LOCKED`` — handed to the transport, marked, and committed
before the next one is claimed. So:

- several workers (processes or threads) may run at once: a row locked by one worker is
  skipped by the others, and once committed it is no longer pending, so no two workers
  send the same row;
- nothing is lost: a crash, a lost database connection or an SMTP error before the
  commit rolls the claim back, and the row is pending again;
- delivery is *at least once*, not exactly once: if the relay accepted the message and the
  worker died (or the database went away) before the commit, the row is still pending and
  will be sent again. No protocol can close that window between two systems. Such a
  duplicate carries the same bytes, so the same Message-ID (mail clients fold it) and, for
  an invite, the same UID and SEQUENCE (the calendar just updates the event).

On SQLite there is a single writer and ``FOR UPDATE`` is not rendered; run one worker.
Unlike the other services this one commits: it is the worker's own unit of work.
"""
from __future__ import annotations

import contextlib
import os
import re
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import sqlalchemy as sa

from meetings.domain.terms import OutboxStatus
from meetings.extensions import db
from meetings.models import OutboxMessage

MAX_ATTEMPTS = 10
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
ERROR_LENGTH = 2000


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
    """One pass of the worker: messages sent, scheduled for a retry, and given up."""

    sent: list[Outcome] = field(default_factory=list)
    retrying: list[Outcome] = field(default_factory=list)
    failed: list[Outcome] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return len(self.sent) + len(self.retrying) + len(self.failed)

    def add(self, outcome: Outcome) -> None:
        if outcome.status == OutboxStatus.SENT:
            self.sent.append(outcome)
        elif outcome.status == OutboxStatus.FAILED:
            self.failed.append(outcome)
        else:
            self.retrying.append(outcome)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after ``attempts`` failures: 1, 2, 4, 8 … minutes, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def deliver_due(now: datetime, *, transport: Transport, batch: int = 20) -> DeliveryReport:
    """Send up to ``batch`` due messages, oldest first, committing after each one."""
    report = DeliveryReport()
    try:
        for _ in range(batch):
            row = _claim(now)
            if row is None:
                break
            report.add(_deliver(row, now, transport))
            db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        transport.close()
    return report


def _claim(now: datetime) -> OutboxMessage | None:
    """Lock the oldest due pending row that no other worker holds (SKIP LOCKED)."""
    query = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return db.session.scalar(query)


def _deliver(row: OutboxMessage, now: datetime, transport: Transport) -> Outcome:
    """Hand one row to the transport and record the result on the row (not committed)."""
    try:
        transport.send(row.recipient, row.message, ref=row.id)
    except Exception as exc:  # any failure of one message must not stop the queue
        _record_failure(row, now, exc)
    else:
        row.status, row.sent_at, row.last_error = OutboxStatus.SENT, now, None
        row.attempts += 1
    return Outcome(row.id, row.recipient, row.subject, row.status, row.attempts, row.last_error,
                   row.next_attempt_at if row.status == OutboxStatus.PENDING else None)


def _record_failure(row: OutboxMessage, now: datetime, exc: Exception) -> None:
    row.attempts += 1
    row.last_error = f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH]
    if row.attempts >= MAX_ATTEMPTS or _permanent(exc):
        row.status = OutboxStatus.FAILED
    else:
        row.next_attempt_at = now + backoff(row.attempts)


def _permanent(exc: Exception) -> bool:
    """A 5xx answer (no such mailbox, refused) will not change on retry."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return 500 <= exc.smtp_code < 600
    return False  # connection, TLS, login or sender trouble is the relay's or the config's: retry


class Transport(Protocol):
    """Where messages go: ``send`` raises on failure; ``close`` ends one pass's connection."""

    def send(self, recipient: str, message: bytes, *, ref: int | None = None) -> None: ...

    def close(self) -> None: ...


class SmtpTransport:
    """``smtp://user:pass@host:port`` (STARTTLS with ``?starttls=1`` or port 587) or ``smtps://``.

    One connection is reused for a pass and dropped after any error or on ``close``.
    ``?timeout=`` sets the socket timeout in seconds (default 30).
    """

    def __init__(self, url: str, *, timeout: float | None = None):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"SMTP_URL must look like smtp://user:pass@host:port, not {url!r}")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        self.ssl = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = parts.port or (465 if self.ssl else 25)
        self.starttls = not self.ssl and (query.get("starttls") == "1" or self.port == 587)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else ""
        self.timeout = timeout if timeout is not None else float(query.get("timeout", 30))
        self._smtp: smtplib.SMTP | None = None

    def send(self, recipient: str, message: bytes, *, ref: int | None = None) -> None:
        try:
            smtp = self._smtp or self._connect()
            smtp.sendmail(envelope_sender(message), [recipient], message)
        except BaseException:
            self._drop()
            raise

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._drop()

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.ssl:
            self._smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            self._smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.starttls:
            self._smtp.starttls(context=context)
        if self.username:
            self._smtp.login(self.username, self.password)
        return self._smtp

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None


class SpoolTransport:
    """Development mail: each message becomes ``<id>-<recipient>.eml`` in a folder."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)

    def send(self, recipient: str, message: bytes, *, ref: int | None = None) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{ref if ref is not None else 'message'}-{_SAFE_NAME.sub('_', recipient)}.eml"
        partial = self.folder / f".{name}.partial"
        partial.write_bytes(message)
        os.replace(partial, self.folder / name)  # a reader never sees half a file

    def close(self) -> None:
        pass


_SAFE_NAME = re.compile(r"[^A-Za-z0-9@._+-]")


def envelope_sender(message: bytes) -> str:
    """The MAIL FROM address: the message's From mailbox."""
    headers = BytesHeaderParser(policy=default_policy).parsebytes(message)
    sender = headers["From"]
    return sender.addresses[0].addr_spec if sender and sender.addresses else ""


def spool_folder(config, instance_path: str) -> Path:
    """``MAIL_SPOOL`` if set, else ``instance/mail`` (DESIGN §4)."""
    return Path(config.get("MAIL_SPOOL") or Path(instance_path) / "mail")


def transport_from_config(config, instance_path: str) -> Transport:
    """SMTP when ``SMTP_URL`` is set, else the .eml spool."""
    if config.get("SMTP_URL"):
        return SmtpTransport(config["SMTP_URL"])
    return SpoolTransport(spool_folder(config, instance_path))

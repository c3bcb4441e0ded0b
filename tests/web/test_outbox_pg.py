"""Several ``send-mail`` workers at once on PostgreSQL (FOR UPDATE SKIP LOCKED): each message once."""
import email
import email.policy
import os
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from meetings.domain.terms import OutboxStatus
from meetings.extensions import db
from meetings.models import OutboxMessage
from meetings.services import outbox
from meetings.services.mail import delivery, transports
from tests.smtp_server import SmtpServer

pytestmark = pytest.mark.pg

NOW = datetime(2026, 7, 1, 6, 0, tzinfo=UTC)
MESSAGES = 200


@pytest.fixture
def pg(app):
    """The app, when its database is PostgreSQL; skipped on SQLite (also under REQUIRE_ALL)."""
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect == "postgresql":
        return app
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.fail(f"TEST_DATABASE_URL names PostgreSQL but the app runs on {dialect}")
    pytest.skip(reason="needs PostgreSQL (TEST_DATABASE_URL)")


@pytest.fixture
def smtp():
    """One real SMTP server on a free port of 127.0.0.1; yields (url, collector)."""
    server = SmtpServer()
    server.start()
    yield server.url, server.handler
    server.stop()


def queue(count: int) -> None:
    for n in range(count):
        message = outbox.build_message(sender="orglife@example.org", recipient=f"m{n}@example.org",
                                       subject=f"通知 {n}", text="请准时参加。", now=NOW)
        outbox.enqueue(message, kind="reminder", now=NOW)
    db.session.commit()


def drain(app, url: str, start: threading.Barrier) -> int:
    """One worker: its own app context, session and SMTP connection; passes until nothing is due."""
    with app.app_context():
        transport, sent = transports.SmtpTransport(url), 0
        start.wait(timeout=10)
        while (report := delivery.deliver_due(NOW, transport=transport, batch=20)).handled:
            sent += len(report.sent)
        return sent


def test_two_workers_send_every_message_exactly_once(pg, smtp):
    url, handler = smtp
    with pg.app_context():
        queue(MESSAGES)
    start = threading.Barrier(2)
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(drain, pg, url, start) for _ in range(2)]
        per_worker = [future.result(timeout=60) for future in futures]
    assert sum(per_worker) == MESSAGES
    ids = Counter(email.message_from_bytes(c, policy=email.policy.default)["Message-ID"]
                  for c in handler.contents)
    assert len(ids) == MESSAGES and set(ids.values()) == {1}
    with pg.app_context():
        statuses = Counter(db.session.scalars(sa.select(OutboxMessage.status)))
    assert statuses == {OutboxStatus.SENT: MESSAGES}


def test_a_row_locked_by_another_worker_is_skipped_not_waited_for(pg, smtp):
    url, handler = smtp
    with pg.app_context():
        queue(3)
        first = db.session.scalar(sa.select(sa.func.min(OutboxMessage.id)))
        with sa.orm.Session(db.engine) as other, other.begin():
            other.execute(sa.select(OutboxMessage.id).where(OutboxMessage.id == first).with_for_update())
            db.session.execute(sa.text("SET LOCAL lock_timeout = '5s'"))  # a regression fails, not hangs
            report = delivery.deliver_due(NOW, transport=transports.SmtpTransport(url))
        assert first not in [o.id for o in report.sent] and len(report.sent) == 2
        report = delivery.deliver_due(NOW, transport=transports.SmtpTransport(url))
        assert [o.id for o in report.sent] == [first]
    assert len(handler.contents) == 3

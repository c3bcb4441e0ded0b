"""Outbox and ``send-mail``: queued rows reach a real SMTP server once, survive outages, or give up."""
import email
import email.policy
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from meetings.domain import ical
from meetings.domain.terms import OutboxStatus
from meetings.extensions import db
from meetings.models import OutboxMessage
from meetings.services import outbox
from meetings.services.mail import delivery, transports
from tests.ical_checks import problems, sample_meeting, sample_member
from tests.smtp_server import free_port

NOW = datetime(2026, 7, 1, 6, 0, tzinfo=UTC)
SENDER = "组织生活 <orglife@example.org>"


def queue(recipient="张三 <zhang.san@example.org>", *, subject="会议通知：七月主题党日", now=NOW,
          calendar=True):
    """Build and queue one message (an invite with its .ics unless ``calendar=False``)."""
    ics = ical.invite(sample_meeting(), sample_member()) if calendar else None
    message = outbox.build_message(
        sender=SENDER, recipient=recipient, subject=subject, text="请准时参加。\n",
        html="<p>请准时参加。</p>", calendar=ics, method="REQUEST" if calendar else None, now=now)
    return outbox.enqueue(message, kind="invite", now=now)


def rows() -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_invite_reaches_smtp_as_mixed_alternative_with_calendar(ctx, smtp):
    queue("张三 <zhang.san@example.org>")
    queue("李四 <li.si@example.org>")
    db.session.commit()
    report = delivery.deliver_due(NOW, transport=transports.SmtpTransport(smtp.url))
    assert [o.recipient for o in report.sent] == ["zhang.san@example.org", "li.si@example.org"]
    assert [e.rcpt_tos for e in smtp.handler.envelopes] == [["zhang.san@example.org"], ["li.si@example.org"]]
    assert {e.mail_from for e in smtp.handler.envelopes} == {"orglife@example.org"}
    message = smtp.handler.messages()[0]
    assert message["Subject"] == "会议通知：七月主题党日"
    assert message["To"].addresses[0].display_name == "张三"
    assert message["Message-ID"] and message["Date"].datetime == NOW
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.iter_parts()
    types = [part.get_content_type() for part in alternative.iter_parts()]
    assert types == ["text/plain", "text/html", "text/calendar"]
    calendar = list(alternative.iter_parts())[2]
    assert calendar.get_param("method") == "REQUEST" and calendar.get_content_charset() == "utf-8"
    ics = calendar.get_payload(decode=True)
    assert problems(ics, method=calendar.get_param("method")) == []
    assert attachment.get_filename() == "invite.ics" and attachment.get_payload(decode=True) == ics
    assert all(r.status == OutboxStatus.SENT and r.sent_at == NOW and r.attempts == 1 for r in rows())


def test_smtp_down_loses_nothing_and_the_retry_sends_exactly_once(ctx, smtp):
    row_id = queue().id
    db.session.commit()
    smtp.stop()
    report = delivery.deliver_due(NOW, transport=transports.SmtpTransport(smtp.url))
    assert len(report.retrying) == 1 and not report.sent
    row = db.session.get(OutboxMessage, row_id)
    retry_at = NOW + timedelta(minutes=1)
    assert (row.status, row.attempts, row.next_attempt_at) == (OutboxStatus.PENDING, 1, retry_at)
    assert "Connection" in row.last_error
    smtp.start()
    transport = transports.SmtpTransport(smtp.url)
    assert delivery.deliver_due(NOW + timedelta(seconds=30), transport=transport).handled == 0
    assert len(delivery.deliver_due(NOW + timedelta(minutes=2), transport=transport).sent) == 1
    assert delivery.deliver_due(NOW + timedelta(hours=1), transport=transport).handled == 0
    assert len(smtp.handler.envelopes) == 1
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 2, None)


def test_retries_for_days_with_capped_backoff_then_fails_with_the_last_error(ctx):
    """A relay down over a long weekend: the message is still tried on day 6, and only after
    ``RETRY_FOR`` is it ``failed``, never more than ``LONGEST_RETRY`` between two tries."""
    row_id = queue().id
    db.session.commit()
    transport, now, tries = transports.SmtpTransport(f"smtp://127.0.0.1:{free_port()}?timeout=2"), NOW, []
    while (report := delivery.deliver_due(now, transport=transport)).retrying:
        tries.append(now)
        now = report.retrying[0].next_attempt_at
    row = db.session.get(OutboxMessage, row_id)
    assert row.status == OutboxStatus.FAILED and report.failed
    assert delivery.RETRY_FOR <= now - NOW < delivery.RETRY_FOR + delivery.LONGEST_RETRY
    assert max(b - a for a, b in zip(tries, tries[1:], strict=False)) == delivery.LONGEST_RETRY
    assert any(t - NOW > timedelta(days=6) for t in tries)
    assert row.attempts == len(tries) + 1
    assert "ConnectionRefusedError" in row.last_error and row.sent_at is None
    assert delivery.deliver_due(now + timedelta(days=1), transport=transport).handled == 0


def test_a_refused_mailbox_fails_at_once(ctx, smtp):
    queue("nobody@example.org")
    queue("zhang.san@example.org")
    db.session.commit()
    report = delivery.deliver_due(NOW, transport=transports.SmtpTransport(smtp.url))
    assert [o.recipient for o in report.failed] == ["nobody@example.org"]
    assert "550" in report.failed[0].error and len(report.sent) == 1


def test_a_message_not_yet_due_is_not_sent(ctx, smtp):
    queue(now=NOW + timedelta(hours=1))
    db.session.commit()
    assert delivery.deliver_due(NOW, transport=transports.SmtpTransport(smtp.url)).handled == 0
    assert smtp.handler.envelopes == [] and rows()[0].status == OutboxStatus.PENDING


def test_oldest_first_and_at_most_one_batch(ctx, tmp_path):
    for minutes in (3, 1, 2):
        queue(f"m{minutes}@example.org", now=NOW - timedelta(minutes=minutes))
    db.session.commit()
    report = delivery.deliver_due(NOW, transport=transports.SpoolTransport(tmp_path), batch=2)
    assert [o.recipient for o in report.sent] == ["m3@example.org", "m2@example.org"]


def test_spool_writes_eml_files_that_parse_back(ctx, tmp_path):
    row = queue("张三 <zhang.san@example.org>", calendar=False)
    db.session.commit()
    delivery.deliver_due(NOW, transport=transports.SpoolTransport(tmp_path / "mail"))
    (path,) = (tmp_path / "mail").iterdir()
    assert path.name == f"{row.id}-zhang.san@example.org.eml"
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["Subject"] == "会议通知：七月主题党日"
    assert message.get_body(("plain",)).get_content().splitlines() == ["请准时参加。"]


def test_enqueue_flushes_but_leaves_the_commit_to_the_caller(ctx):
    queue()
    assert len(rows()) == 1
    db.session.rollback()
    assert rows() == []


def test_enqueue_refuses_anything_but_one_recipient(ctx):
    message = outbox.build_message(sender=SENDER, recipient="a@example.org, b@example.org",
                                   subject="x", text="x", now=NOW)
    with pytest.raises(ValueError, match="exactly one recipient"):
        outbox.enqueue(message, kind="alert")


@pytest.mark.parametrize(("attempts", "minutes"), [(1, 1), (2, 2), (3, 4), (4, 8), (5, 16), (6, 30),
                                                   (400, 30)])
def test_backoff_doubles_up_to_half_an_hour(attempts, minutes):
    assert delivery.backoff(attempts) == timedelta(minutes=minutes)


@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://relay.example.org", ("relay.example.org", 25, False, False, None, "")),
    ("smtp://u%40x:p%2Fw@relay:587", ("relay", 587, False, True, "u@x", "p/w")),
    ("smtp://relay:2525?starttls=1", ("relay", 2525, False, True, None, "")),
    ("smtps://u:p@relay", ("relay", 465, True, False, "u", "p")),
])
def test_smtp_url_parsing(url, expected):
    t = transports.SmtpTransport(url)
    assert (t.host, t.port, t.ssl, t.starttls, t.username, t.password) == expected


def test_a_bad_smtp_url_is_refused():
    with pytest.raises(ValueError, match="SMTP_URL"):
        transports.SmtpTransport("http://relay.example.org")


@pytest.fixture
def spool(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_URL", None)
    monkeypatch.setitem(app.config, "MAIL_SPOOL", str(tmp_path / "spool"))
    return tmp_path / "spool"


def test_cli_once_spools_and_reports(ctx, spool):
    row_id = queue("zhang.san@example.org").id
    db.session.commit()
    result = ctx.test_cli_runner().invoke(args=["send-mail", "--once"])
    assert result.exit_code == 0, result.output
    assert str(spool) in result.output
    assert f"sent #{row_id} → zhang.san@example.org" in result.output
    assert (spool / f"{row_id}-zhang.san@example.org.eml").exists()


class StopWhileWaiting(threading.Event):
    """The loop's stop flag, raised the first time the loop waits (as a SIGTERM would)."""

    def wait(self, timeout=None):
        assert timeout == 0.5
        self.set()
        return True


def test_cli_loop_sends_then_stops_when_told(ctx, smtp, monkeypatch):
    monkeypatch.setitem(ctx.config, "SMTP_URL", smtp.url)
    queue()
    db.session.commit()
    monkeypatch.setattr("meetings.commands.send_mail.stop_flag", StopWhileWaiting)
    result = ctx.test_cli_runner().invoke(args=["send-mail", "--interval", "0.5"])
    assert result.exit_code == 0, result.output
    assert "sent 1, retrying 0, failed 0" in result.output and "Stopped" in result.output
    assert len(smtp.handler.envelopes) == 1

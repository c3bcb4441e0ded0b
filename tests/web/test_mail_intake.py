"""The ways mail gets in (issue 15 #1): ``flask receive-mail`` as a child process reading
standard input (what a Postfix pipe runs) and ``mail-listener`` over real LMTP and SMTP on
loopback, each with a real calendar answer; exit codes and SMTP replies as the MTA sees them."""
import smtplib
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from meetings.commands.receive_mail import start_listener
from meetings.domain.terms import Rsvp
from meetings.extensions import db
from meetings.models import InboundMail, Invitation, OutboxMessage
from meetings.services import meeting_types
from tests import calendar_replies as clients
from tests.meeting_builders import make_meeting
from tests.served import child_env
from tests.smtp_server import free_port

ROOT = Path(__file__).resolve().parents[2]
REPLY_ADDRESS = "rsvp@orglife.test"


def wall_clock() -> datetime:
    """The child process and the listener's thread run on the real clock (not the suite's pinned
    one), so the meeting is placed by it: three days ahead is ahead under faketime too."""
    return datetime.now(UTC)


@pytest.fixture(autouse=True)
def replies_read(app, clock, monkeypatch, world):
    monkeypatch.setitem(app.config, "REPLY_ADDRESS", REPLY_ADDRESS)
    clock.pin(None)  # the listener answers on the wall clock; so does the meeting below
    meeting_types.install_defaults()
    db.session.commit()


@pytest.fixture
def meeting(world):
    now = wall_clock()
    scheduled = make_meeting(world, now=now, starts_at=now + timedelta(days=3))
    db.session.commit()
    return scheduled


def member_invite(world) -> clients.Invite:
    raw = db.session.scalars(sa.select(OutboxMessage.message).where(
        OutboxMessage.person_id == world["member"].id, OutboxMessage.kind == "invite")).first()
    return clients.read_invite(raw)


def member_rsvp(meeting, world) -> Rsvp:
    db.session.expire_all()
    return db.session.scalar(sa.select(Invitation.rsvp).where(
        Invitation.meeting_id == meeting.id, Invitation.person_id == world["member"].id))


def receive_mail(app, raw: bytes, **env) -> subprocess.CompletedProcess:
    settings = {"DATABASE_URL": app.config["DATABASE_URL"], "REPLY_ADDRESS": REPLY_ADDRESS,
                "SECRET_KEY": app.config["SECRET_KEY"], **env}
    environment = child_env(**settings)
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "receive-mail"]
    # No timeout: Popen's timed wait sleeps with time.sleep, which fails under CI's faketime.
    return subprocess.run(command, input=raw, cwd=ROOT, env=environment, capture_output=True, check=False)


@pytest.fixture
def listener(app):
    started = []

    def start(*, lmtp: bool) -> int:
        port = free_port()
        started.append(start_listener(app, "127.0.0.1", port, lmtp=lmtp))
        return port

    yield start
    for controller in started:
        controller.stop()


def test_receive_mail_reads_stdin_and_exits_0(app, world, meeting):
    done = receive_mail(app, clients.reply("outlook", member_invite(world), "ACCEPTED"))
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert member_rsvp(meeting, world) == Rsvp.ATTENDING


def test_receive_mail_exits_0_for_mail_it_ignores(app, world, meeting):
    done = receive_mail(app, clients.out_of_office(REPLY_ADDRESS, "【会议通知】"))
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert db.session.scalar(sa.select(InboundMail.kind)) == "auto_reply"


def test_receive_mail_asks_for_a_retry_when_the_database_is_away(app, world, meeting):
    away = "postgresql+psycopg://orglife@127.0.0.1:1/nowhere?connect_timeout=2"
    done = receive_mail(app, clients.reply("gmail", member_invite(world), "ACCEPTED"), DATABASE_URL=away)
    assert done.returncode == 75, done.stderr.decode()[-2000:]  # EX_TEMPFAIL: the MTA keeps it
    assert member_rsvp(meeting, world) == Rsvp.PENDING


@pytest.mark.parametrize("lmtp", [True, False], ids=["LMTP", "SMTP"])
def test_the_listener_takes_an_answer(world, meeting, listener, lmtp):
    port = listener(lmtp=lmtp)
    invite = member_invite(world)
    raw = clients.reply("thunderbird", invite, "DECLINED", comment="外出学习")
    client = smtplib.LMTP("127.0.0.1", port) if lmtp else smtplib.SMTP("127.0.0.1", port, timeout=30)
    with client:
        refused = client.sendmail(world["member"].email, [invite.organizer[len("mailto:"):]], raw)
    assert refused == {}
    assert member_rsvp(meeting, world) == Rsvp.LEAVE_REQUESTED


def test_the_listener_refuses_mail_for_other_domains(world, meeting, listener):
    port = listener(lmtp=False)
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client, pytest.raises(smtplib.SMTPRecipientsRefused):
        client.sendmail("spammer@example.net", ["someone@elsewhere.example"], b"Subject: x\r\n\r\nx\r\n")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InboundMail)) == 0

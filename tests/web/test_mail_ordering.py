"""Per recipient and meeting the newest state wins: a relay outage, a crash mid-send or a
re-queue never leaves a member's calendar with a meeting that was cancelled or moved."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from meetings.domain.terms import OutboxStatus
from meetings.extensions import db
from meetings.models import OutboxMessage
from meetings.services import responses, scheduling
from meetings.services.mail import delivery, queue, transports
from tests.meeting_builders import NOW, make_fields, make_meeting


@pytest.fixture
def relay(smtp):
    return smtp


def deliver(relay, now):
    return delivery.deliver_due(now, transport=transports.SmtpTransport(relay.url), batch=1000)


def received(relay) -> dict[str, list[tuple[str, int]]]:
    """Per recipient, the (METHOD, SEQUENCE) of each calendar message in arrival order."""
    seen: dict[str, list[tuple[str, int]]] = {}
    for envelope, message in zip(relay.handler.envelopes, relay.handler.messages(), strict=True):
        part = next((p for p in message.walk() if p.get_content_type() == "text/calendar"), None)
        if part is None:
            continue
        cal = Calendar.from_ical(part.get_payload(decode=True))
        event = next(iter(cal.walk("VEVENT")))
        seen.setdefault(envelope.rcpt_tos[0], []).append((str(cal["METHOD"]), int(event["SEQUENCE"])))
    return seen


def statuses(kind: str) -> set[OutboxStatus]:
    return set(db.session.scalars(sa.select(OutboxMessage.status).where(OutboxMessage.kind == kind)))


def test_a_cancel_queued_while_the_invites_wait_in_backoff_is_all_that_arrives(ctx, world, relay):
    meeting = make_meeting(world)
    db.session.commit()
    relay.stop()
    assert len(deliver(relay, NOW).retrying) == 3  # relay down: the invites wait a minute
    scheduling.cancel_meeting(world["secretary"], meeting, "改期另行通知", NOW + timedelta(seconds=20))
    db.session.commit()
    assert statuses("invite") == {OutboxStatus.SUPERSEDED}
    relay.start()
    deliver(relay, NOW + timedelta(hours=1))
    assert received(relay) and all(seq == [("CANCEL", 1)] for seq in received(relay).values())


def test_updates_coalesce_to_the_newest_request(ctx, world, relay):
    meeting = make_meeting(world)
    db.session.commit()
    for _ in range(3):
        fields = make_fields(world, starts_at=meeting.starts_at + timedelta(hours=1))
        scheduling.update_meeting(world["secretary"], meeting, fields, NOW, version=meeting.version)
        db.session.commit()
    deliver(relay, NOW)
    assert all(seq == [("REQUEST", 3)] for seq in received(relay).values()) and len(received(relay)) == 3


def test_an_invite_cut_off_mid_send_is_not_resent_after_the_cancel(ctx, world, relay):
    """The worker died inside the SMTP transaction of the invite (row left ``sending``); the
    cancel queued since waits behind it, and recovery supersedes the invite instead of
    sending a stale REQUEST after the CANCEL."""
    meeting = make_meeting(world)
    db.session.commit()
    dead = delivery.Worker()
    for row in db.session.scalars(sa.select(OutboxMessage)):
        row.status, row.claimed_by, row.claimed_at, row.attempts = OutboxStatus.SENDING, dead.name, NOW, 1
    db.session.commit()
    scheduling.cancel_meeting(world["secretary"], meeting, "取消", NOW + timedelta(seconds=5))
    db.session.commit()
    with delivery.Worker() as alive:
        report = delivery.deliver_due(NOW, transport=transports.SmtpTransport(relay.url), worker=alive)
        assert report.recovered == [] and report.handled == 0, "a live worker's claim is left alone"
    dead.retire()
    report = deliver(relay, NOW + timedelta(seconds=10))
    assert len(report.recovered) == 3 and len(report.sent) == 3
    assert all(seq == [("CANCEL", 1)] for seq in received(relay).values())
    invites = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "invite")).all()
    assert all(r.status == OutboxStatus.SUPERSEDED and r.interrupted == 1 for r in invites)


def test_an_interrupted_send_is_sent_once_more_and_recorded(ctx, world, relay):
    make_meeting(world)
    db.session.commit()
    dead = delivery.Worker()
    dead.retire()
    row = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).first()
    row.status, row.claimed_by, row.claimed_at, row.attempts = OutboxStatus.SENDING, dead.name, NOW, 1
    db.session.commit()
    report = deliver(relay, NOW)
    assert [o.id for o in report.recovered] == [row.id] and len(report.sent) == 3
    db.session.refresh(row)
    assert (row.status, row.attempts, row.interrupted) == (OutboxStatus.SENT, 2, 1)
    assert len(relay.handler.envelopes) == 3


def test_a_claim_of_another_host_is_taken_over_only_after_the_lease(ctx, world, relay):
    make_meeting(world)
    db.session.commit()
    row = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).first()
    row.status, row.claimed_by, row.claimed_at = OutboxStatus.SENDING, "mail-2.intranet:4242:abc", NOW
    db.session.commit()
    assert deliver(relay, NOW + timedelta(minutes=5)).recovered == []
    assert [o.id for o in deliver(relay, NOW + delivery.SENDING_LEASE).recovered] == [row.id]


def test_a_reminder_waits_behind_an_invite_of_its_thread_and_dies_with_a_cancel(ctx, world, relay):
    meeting = make_meeting(world)
    db.session.commit()
    relay.stop()
    deliver(relay, NOW)  # invites in backoff
    responses.nudge_unanswered(world["secretary"], meeting, NOW + timedelta(seconds=30))
    db.session.commit()
    assert deliver(relay, NOW + timedelta(seconds=40)).handled == 0, "the nudges wait for the invites"
    scheduling.cancel_meeting(world["secretary"], meeting, "取消", NOW + timedelta(seconds=50))
    db.session.commit()
    assert statuses("nudge") == {OutboxStatus.SUPERSEDED}
    relay.start()
    deliver(relay, NOW + timedelta(hours=1))
    assert [m["Subject"].startswith("【会议取消】") for m in relay.handler.messages()] == [True] * 3


def test_a_failed_message_requeued_after_the_meeting_moved_is_superseded(ctx, world, relay):
    meeting = make_meeting(world)
    db.session.commit()
    for row in db.session.scalars(sa.select(OutboxMessage)):
        row.status, row.last_error = OutboxStatus.FAILED, "SMTPServerDisconnected: gone"
    db.session.commit()
    fields = make_fields(world, starts_at=meeting.starts_at + timedelta(hours=2))
    scheduling.update_meeting(world["secretary"], meeting, fields, NOW, version=meeting.version)
    db.session.commit()
    assert queue.requeue(world["admin"], NOW) == 3
    db.session.commit()
    report = deliver(relay, NOW)
    assert len(report.sent) == 3 and len(report.superseded) == 3
    assert all(seq == [("REQUEST", 1)] for seq in received(relay).values())


def test_threads_of_other_recipients_do_not_wait_for_each_other(ctx, world, relay):
    make_meeting(world)
    db.session.commit()
    first = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).first()
    first.next_attempt_at = NOW + timedelta(hours=1)  # one recipient's invite in a long backoff
    db.session.commit()
    assert len(deliver(relay, NOW).sent) == 2

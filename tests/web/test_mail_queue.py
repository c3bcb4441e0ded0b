"""邮件队列: undelivered mail is shown with its error to the root administrator and to the
secretary on the meeting page, and can be queued again (page and CLI); nothing is dropped."""
from datetime import timedelta

import sqlalchemy as sa

from meetings.domain.terms import OutboxStatus
from meetings.extensions import db
from meetings.models import AuditEvent, OutboxMessage
from meetings.services.mail import delivery, transports
from tests.fixed_time import pinned_now
from tests.meeting_builders import make_meeting
from tests.smtp_server import free_port

ERROR = "ConnectionRefusedError: [Errno 111] Connection refused"


def upcoming(world, clock):
    """A meeting of a1 in three days, scheduled now (its invites queued)."""
    return make_meeting(world, now=pinned_now(), starts_at=pinned_now() + timedelta(days=3))


def queued_meeting(world, clock):
    """A meeting of a1 whose invites could not reach the relay."""
    meeting = upcoming(world, clock)
    db.session.commit()
    delivery.deliver_due(pinned_now(), transport=transports.SmtpTransport(f"smtp://127.0.0.1:{free_port()}"))
    return meeting


def give_up(meeting_id: int) -> None:
    for row in db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.meeting_id == meeting_id)):
        row.status = OutboxStatus.FAILED
    db.session.commit()


def page(client, path="/mail") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_admin_sees_retrying_mail_with_its_error(world, auth, client, clock):
    meeting = queued_meeting(world, clock)
    auth.login("admin")
    html = page(client)
    assert "邮件队列" in html and ERROR.split(":")[0] in html
    assert html.count('name="id"') == 3 and "secretary@example.org" in html
    assert f'href="/meetings/{meeting.id}"' in html
    assert "重试中" in html


def test_filters_by_status(world, auth, client, clock):
    meeting = queued_meeting(world, clock)
    give_up(meeting.id)
    queued_meeting(world, clock)
    auth.login("admin")
    assert page(client, "/mail?status=failed").count('name="id"') == 3
    assert page(client, "/mail?status=retrying").count('name="id"') == 3
    assert page(client, "/mail?status=nonsense").count('name="id"') == 6


def test_requeue_all_puts_failed_mail_back_and_is_audited(world, auth, client, clock):
    meeting = queued_meeting(world, clock)
    give_up(meeting.id)
    auth.login("admin")
    response = client.post("/mail/requeue", follow_redirects=True)
    assert "已重新排队 3 封邮件" in response.get_data(as_text=True)
    rows = db.session.scalars(sa.select(OutboxMessage)).all()
    assert {r.status for r in rows} == {OutboxStatus.PENDING}
    assert all(r.next_attempt_at == pinned_now() and r.queued_at == pinned_now() for r in rows)
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "outbox.requeue")).all()
    assert len(events) == 3 and all(e.actor_id == world["admin"].id for e in events)


def test_requeue_one(world, auth, client, clock):
    meeting = queued_meeting(world, clock)
    give_up(meeting.id)
    first = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).first()
    auth.login("admin")
    client.post("/mail/requeue", data={"id": str(first.id)})
    db.session.expire_all()
    assert [r.status for r in db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))] == [
        OutboxStatus.PENDING, OutboxStatus.FAILED, OutboxStatus.FAILED]


def test_requeue_of_nothing_or_of_a_bad_id_changes_nothing(world, auth, client, clock):
    auth.login("admin")
    for unknown in ("999999", "0", "2147483648", "9" * 30):  # also past the id column's range
        response = client.post("/mail/requeue", data={"id": unknown}, follow_redirects=True)
        assert "没有需要重新排队的邮件" in response.get_data(as_text=True), unknown
    assert client.post("/mail/requeue", data={"id": "1 OR 1=1"}).status_code == 400
    requeues = sa.select(sa.func.count()).where(AuditEvent.action == "outbox.requeue")
    assert db.session.scalar(requeues) == 0


def test_sent_mail_is_not_listed_and_cannot_be_requeued(world, auth, client, clock, tmp_path):
    upcoming(world, clock)
    db.session.commit()
    delivery.deliver_due(pinned_now(), transport=transports.SpoolTransport(tmp_path))
    auth.login("admin")
    assert "所有邮件均已送达" in page(client)
    client.post("/mail/requeue")
    assert {r.status for r in db.session.scalars(sa.select(OutboxMessage))} == {OutboxStatus.SENT}


def test_the_secretary_sees_undelivered_invites_on_the_meeting_page(world, auth, client, clock):
    meeting = queued_meeting(world, clock)
    auth.login("secretary")
    html = page(client, f"/meetings/{meeting.id}")
    assert "有 3 封会议邮件尚未送达" in html and "继续重试" in html and "Connection refused" in html
    assert "/mail" not in html.split("mail-trouble")[1].split("</div>")[0], "the queue is the admin's page"
    give_up(meeting.id)
    assert "其中 3 封已放弃发送" in page(client, f"/meetings/{meeting.id}")


def test_a_member_sees_no_mail_trouble(world, auth, client, clock):
    meeting = queued_meeting(world, clock)
    auth.login("member")
    assert "尚未送达" not in page(client, f"/meetings/{meeting.id}")


def test_delivered_invites_show_no_notice(world, auth, client, clock, tmp_path):
    meeting = upcoming(world, clock)
    db.session.commit()
    delivery.deliver_due(pinned_now(), transport=transports.SpoolTransport(tmp_path))
    auth.login("secretary")
    assert "尚未送达" not in page(client, f"/meetings/{meeting.id}")


def test_cli_lists_and_requeues(ctx, world, clock):
    meeting = queued_meeting(world, clock)
    give_up(meeting.id)
    runner = ctx.test_cli_runner()
    listed = runner.invoke(args=["mail-queue", "--failed"])
    assert listed.exit_code == 0 and "Undelivered: 3" in listed.output
    assert "Connection refused" in listed.output
    requeued = runner.invoke(args=["mail-queue", "--requeue-all"])
    assert requeued.exit_code == 0 and "Queued again: 3" in requeued.output
    db.session.expire_all()
    assert {r.status for r in db.session.scalars(sa.select(OutboxMessage))} == {OutboxStatus.PENDING}
    assert "Undelivered: 0" in runner.invoke(args=["mail-queue", "--failed"]).output


def test_cli_requeue_of_an_id_past_the_column_range_is_nothing_to_requeue(ctx, world, clock):
    result = ctx.test_cli_runner().invoke(args=["mail-queue", "--requeue", "2147483648"])
    assert result.exit_code == 0 and "Queued again: 0" in result.output, result.output


def test_each_message_is_stamped_when_it_was_sent_not_when_the_pass_began(ctx, world, clock, tmp_path):
    """A slow relay spreads one pass over minutes: ``sent_at`` says when each one left."""
    upcoming(world, clock)
    db.session.commit()

    def a_minute_per_message():
        clock.advance(timedelta(minutes=1))
        return pinned_now()

    began = pinned_now()
    delivery.deliver_due(began, transport=transports.SpoolTransport(tmp_path), clock=a_minute_per_message)
    sent = [r.sent_at for r in db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))]
    assert len(sent) == 3 and len(set(sent)) == 3 and sent == sorted(sent)

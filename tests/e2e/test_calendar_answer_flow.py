"""Accept in a calendar app, seen on the site (issue 15 #1): the secretary schedules in the
browser, the invite goes out through a real SMTP server, the member's Outlook answers it to the
reply address over LMTP, and the member's and the secretary's pages show 参加."""
import smtplib
from datetime import timedelta

import pytest

from meetings.commands.receive_mail import start_listener
from meetings.extensions import db
from meetings.services.mail import delivery, transports
from tests import calendar_replies as clients
from tests.e2e.test_meeting_flow import beijing_today, on_phone
from tests.fixed_time import TEST_NOW
from tests.smtp_server import SmtpServer, free_port

pytestmark = pytest.mark.e2e
TITLE = "日历答复主题党日"


@pytest.fixture
def relay():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def reply_box(live_server):
    """The site reads rsvp@orglife.test over LMTP, as the README wires it."""
    live_server.app.config["REPLY_ADDRESS"] = "组织生活 <rsvp@orglife.test>"
    port = free_port()
    listener = start_listener(live_server.app, "127.0.0.1", port, lmtp=True)
    yield port
    listener.stop()


def schedule(site, page) -> str:
    site.sign_in(page, "secretary")
    page.goto(f"/branches/{site.org('a1')}/meetings/new")
    page.locator("ul#type_ids").get_by_label("主题党日", exact=True).check()
    page.get_by_label("会议主题").fill(TITLE)
    page.get_by_label("日期", exact=True).fill((beijing_today() + timedelta(days=7)).isoformat())
    page.get_by_label("开始时间").fill("14:30")
    page.get_by_label("结束时间").fill("16:30")
    page.get_by_role("button", name="全支部").click()
    page.locator("form.meeting-form .actions").get_by_role("button", name="安排会议").click()
    page.locator(".flash-success").wait_for()
    return page.url


def test_accept_in_outlook_shows_as_attending(site, pages, expect, live_server, types, relay, reply_box):
    secretary = pages.new("desktop")
    meeting_url = schedule(site, secretary)
    with live_server.app.app_context():
        report = delivery.deliver_due(TEST_NOW, transport=transports.SmtpTransport(relay.url))
        db.session.remove()
    assert report.handled == 3
    member_mail = next(e.content for e in relay.handler.envelopes if e.rcpt_tos == ["member@example.org"])
    invite = clients.read_invite(member_mail)
    assert invite.organizer.startswith("mailto:rsvp+i")

    with smtplib.LMTP("127.0.0.1", reply_box) as lmtp:  # what the MTA does with Outlook's answer
        lmtp.sendmail("member@example.org", [invite.organizer[len("mailto:"):]],
                      clients.reply("outlook", invite, "ACCEPTED"))

    member = on_phone(pages)
    site.sign_in(member, "member")
    member.goto(meeting_url)
    expect(member.locator("section.my-answer .badge")).to_have_text("参加")
    secretary.goto(meeting_url)
    row = secretary.locator("table.invitees tbody tr", has_text="刘党员")
    expect(row.locator(".badge")).to_have_text("参加")
    pages.assert_clean()

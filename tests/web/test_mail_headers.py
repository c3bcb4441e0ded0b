"""No meeting title can add a mail header (issue 14, low): an RFC 2047 encoded word holding
CR LF, or raw control characters, stay text inside one Subject line of every invite."""
import base64
import email
import email.policy

import pytest
import sqlalchemy as sa

from meetings.extensions import db
from meetings.models import OutboxMessage
from meetings.services import outbox
from tests.fixed_time import TEST_NOW
from tests.meeting_builders import make_meeting

HIDDEN = base64.b64encode(b"x\r\nReply-To: evil@example.org\r\nBcc: all@example.org").decode()
TITLES = [f"支部会议 =?utf-8?b?{HIDDEN}?= 通知", f"=?UTF-8?B?{HIDDEN}?=",
          "会议\r\nReply-To: evil@example.org", "=?utf-8?q?x=0D=0AReply-To:_evil@example.org?="]


def parsed(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


@pytest.mark.parametrize("title", TITLES)
def test_a_subject_never_becomes_headers(title):
    message = outbox.build_message(sender="orglife@example.org", recipient="m@example.org", subject=title,
                                   text="请参加。", now=TEST_NOW)
    got = parsed(message.as_bytes(policy=outbox.WIRE_POLICY))
    assert got["Reply-To"] is None and got["Bcc"] is None
    assert "\r" not in got["Subject"] and "\n" not in got["Subject"]
    assert got["Subject"].replace(outbox.WORD_JOINER, "") == title.replace("\r", " ").replace("\n", " ")


def test_an_invite_for_such_a_title_has_one_subject_and_no_reply_to(world):
    meeting = make_meeting(world, title=TITLES[0])
    db.session.commit()
    rows = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.meeting_id == meeting.id)).all()
    assert rows
    for row in rows:
        got = parsed(row.message)
        assert got["Reply-To"] is None and got["Bcc"] is None and len(got.get_all("Subject")) == 1
        assert HIDDEN in got["Subject"] and "Reply-To" not in got["Subject"]  # kept as typed, not decoded

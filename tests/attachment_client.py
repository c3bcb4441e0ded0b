"""Helpers for the attachment tests: post a file, read the flashes, the rows and the stored files."""
import io
import re
from datetime import timedelta

import sqlalchemy as sa

from meetings.extensions import db
from meetings.models import Attachment, AuditEvent
from tests import file_samples as f
from tests.fixed_time import pinned_now
from tests.meeting_builders import make_meeting

CHINESE = re.compile(r"[\u4e00-\u9fff]")
MB = 1024 * 1024


def upcoming_meeting(world, days: int = 3):
    """An a1 meeting ``days`` ahead, committed."""
    now = pinned_now()
    meeting = make_meeting(world, now=now, starts_at=now + timedelta(days=days))
    db.session.commit()
    return meeting


def post_file(client, meeting_id: int, data: bytes | None, name: str, kind="sign_in_sheet", note=""):
    form = {"attachment-kind": kind, "attachment-note": note}
    if data is not None:
        form["attachment-file"] = (io.BytesIO(data), name)
    return client.post(f"/meetings/{meeting_id}/attachments", data=form, content_type="multipart/form-data")


def post_raw(client, meeting_id: int, data: bytes, name: str):
    """Encoded by hand: the test client would spool a body this big to an unclosed temporary file."""
    boundary = "attachment-boundary"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="attachment-kind"\r\n\r\nphoto\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="attachment-file"; filename="{name}"\r\n'
            "Content-Type: image/png\r\n\r\n").encode()
    body = head + data + f"\r\n--{boundary}--\r\n".encode()
    return client.post(f"/meetings/{meeting_id}/attachments", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def flashes(client, category: str) -> list[str]:
    with client.session_transaction() as session:
        return [message for kind, message in session.get("_flashes", []) if kind == category]


def attachments() -> list[Attachment]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Attachment).order_by(Attachment.id)))


def stored(folder) -> list:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def download(client, attachment_id: int):
    """GET the file and close the response (send_file keeps the stored file open until then)."""
    response = client.get(f"/attachments/{attachment_id}")
    response.get_data()
    response.close()
    return response


def audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("attachment.%"))
                                   .order_by(AuditEvent.id)))


def add(client, auth, meeting, data=None, name="签到表.jpg", role="secretary") -> Attachment:
    auth.login(role)
    assert post_file(client, meeting.id, data or f.jpeg(), name).status_code == 302
    with client.session_transaction() as session:
        session.pop("_flashes", None)
    auth.logout()  # signing in again while signed in keeps the first account
    return attachments()[-1]


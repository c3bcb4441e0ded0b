"""What the meeting page shows about attachments; every decision made here, none in Jinja."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from meetings.domain.uploads import IMAGE_TYPES, human_size
from meetings.models import Attachment, Meeting, Person
from meetings.policy import Action, can
from meetings.services import attachments
from meetings.web.attachments.forms import AttachmentForm


@dataclass(frozen=True)
class Row:
    """One attachment as listed: the row, its size in words, whether to show a thumbnail."""

    attachment: Attachment
    size: str
    is_image: bool


@dataclass(frozen=True)
class Panel:
    rows: list[Row]
    form: AttachmentForm | None  # None: this reader may not upload
    may_delete: bool
    locked: bool  # minutes are final: nothing can be deleted any more
    limit_mb: int


def attachments_panel(meeting: Meeting, person: Person) -> dict:
    """Template context for ``meetings/_attachments.html`` (one key, ``attachment_panel``;
    None for a 列席 guest from elsewhere: attachments are the branch's record, like minutes)."""
    if not can(person, Action.VIEW_MINUTES, meeting):
        return {"attachment_panel": None}
    rows = [Row(a, human_size(a.size), a.content_type in IMAGE_TYPES)
            for a in attachments.for_meeting(meeting)]
    may_record = can(person, Action.RECORD_MEETING, meeting)
    locked = may_record and bool(rows) and attachments.minutes_final(meeting)
    may_upload = may_record and not meeting.is_cancelled
    panel = Panel(rows=rows, form=AttachmentForm() if may_upload else None,
                  may_delete=may_record and not locked, locked=locked,
                  limit_mb=current_app.config["MAX_ATTACHMENT_BYTES"] // (1024 * 1024))
    return {"attachment_panel": panel}

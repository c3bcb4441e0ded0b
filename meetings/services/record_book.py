"""A branch's 会议记录本 for a year: its meetings with final minutes, in a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import selectinload

from meetings.domain.scheduling import BEIJING
from meetings.domain.terms import MinutesState
from meetings.extensions import db
from meetings.models import Invitation, Meeting, Minutes, Organization


@dataclass
class Entry:
    """One record ready to print: the meeting, its minutes, the header and the rendered text."""

    meeting: Meeting
    minutes: Minutes
    header: object
    body_html: Markup


def final_records(branch: Organization, year: int) -> list[tuple[Meeting, Minutes]]:
    """(meeting, final minutes) of the branch held in ``year`` (Beijing time), by date."""
    start = datetime(year, 1, 1, tzinfo=BEIJING)
    end = datetime(year + 1, 1, 1, tzinfo=BEIJING)
    rows = db.session.execute(
        sa.select(Meeting, Minutes).join(Minutes, Minutes.meeting_id == Meeting.id)
        .where(Meeting.organization_id == branch.id, Minutes.state == MinutesState.FINAL,
               Meeting.starts_at >= start, Meeting.starts_at < end)
        .options(selectinload(Meeting.types), selectinload(Meeting.host), selectinload(Meeting.recorder),
                 selectinload(Meeting.invitations).selectinload(Invitation.person),
                 selectinload(Minutes.current_revision))
        .order_by(Meeting.starts_at)).all()
    return [(meeting, minutes) for meeting, minutes in rows]

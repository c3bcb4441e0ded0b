"""Meeting types (会议类型) as data: the seeded defaults and the admins' edits."""
from datetime import datetime

import sqlalchemy as sa

from meetings.domain.meeting_types import DEFAULT_TYPES, TypeSettings
from meetings.extensions import db
from meetings.models import MeetingType, Person
from meetings.services import audit, calendar

TypeFields = TypeSettings  # the edit form's values


def install_defaults() -> list[MeetingType]:
    """Create the nine types of DESIGN §2 that are missing and give an empty template its default.

    The migration inserts the types without minutes templates; this fills those in once.
    """
    existing = {t.code: t for t in db.session.scalars(sa.select(MeetingType))}
    for order, spec in enumerate(DEFAULT_TYPES, 1):
        row = existing.get(spec.code)
        if row is None:
            row = MeetingType(code=spec.code, name=spec.name, name_en=spec.name_en,
                              default_invitees=spec.default_invitees, quorum_rule=spec.quorum_rule,
                              default_duration_minutes=spec.default_duration_minutes, sort_order=order)
            db.session.add(row)
        if not row.minutes_template and spec.minutes_template:
            row.minutes_template = spec.minutes_template
    db.session.flush()
    return all_types()


def all_types(*, active_only: bool = False) -> list[MeetingType]:
    """Types in their display order."""
    query = sa.select(MeetingType).order_by(MeetingType.sort_order, MeetingType.id)
    if active_only:
        query = query.where(MeetingType.is_active)
    return list(db.session.scalars(query))


def update_type(actor: Person, meeting_type: MeetingType, fields: TypeFields, now: datetime) -> None:
    """Apply an administrator's edit, audited with what changed; a new name reaches calendars."""
    before, after = audit.changes(meeting_type, dict(fields.__dict__))
    if after:
        audit.record(actor, "meeting_type.update", meeting_type, before=before, after=after)
    if "name" in after:
        calendar.touch_meetings_of_type(meeting_type.id, now)

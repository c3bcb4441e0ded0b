"""The OpenAPI description of the write side: request bodies, the new resources, and the
operations that change things (with ``If-Match`` where a change could overwrite another)."""
from __future__ import annotations

from meetings.api.meeting_fields import AGENDA_LENGTH, MAX_REMINDER, PLACE_LENGTH, TITLE_LENGTH, URL_LENGTH
from meetings.api.openapi_schemas import (
    BOOL,
    DATE,
    INT,
    STR,
    URL,
    UTC_TIME,
    enum,
    nullable,
    obj,
    page_of,
)
from meetings.domain.minutes import MAX_LENGTH as MINUTES_LENGTH
from meetings.domain.terms import Attendance, InvitationRole, PersonCategory, PersonStatus, Rsvp

ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
IDS = {"type": "array", "items": ID}
INSTANT = {"type": "string", "format": "date-time",
           "description": "with its offset, e.g. 2026-07-01T14:30:00+08:00 (a bare local time is refused)"}


def text(limit: int, description: str = "", *, min_length: int = 0) -> dict:
    schema = {"type": "string", "maxLength": limit}
    if min_length:
        schema["minLength"] = min_length
    return schema | ({"description": description} if description else {})


def optional(properties: dict, *, required: tuple = ()) -> dict:
    """A request body: only ``required`` must be there; unknown members are refused (422)."""
    return {"type": "object", "properties": properties, "required": list(required),
            "additionalProperties": False}


MEETING_MEMBERS = {
    "title": text(TITLE_LENGTH, min_length=1), "starts_at": INSTANT, "ends_at": INSTANT,
    "types": {"type": "array", "minItems": 1, "items": text(40, min_length=1),
              "description": "type codes, e.g. theme_day"},
    "invitee_ids": {**IDS, "description": "people of the branch to invite (GET /people?org=)"},
    "observer_ids": {**IDS, "description": "列席: people from elsewhere in the tree"},
    "agenda": text(AGENDA_LENGTH, "Markdown"), "place": text(PLACE_LENGTH),
    "online_url": nullable(text(URL_LENGTH, "https:// or http://")),
    "host_id": nullable(ID), "recorder_id": nullable(ID),
    "reminder_minutes": nullable({"type": "integer", "minimum": 0, "maximum": MAX_REMINDER}),
    "attributed_year": {"type": "integer", "minimum": 1921, "maximum": 9998}, "campaign_id": nullable(ID),
}
MEMBER_MEMBERS = {
    "name": text(60, min_length=1), "category": enum(PersonCategory), "status": enum(PersonStatus),
    "login": nullable(text(60)), "email": nullable(text(254)), "phone": nullable(text(254)),
    "party_group_id": nullable(ID), "joined_party_on": nullable(DATE), "note": nullable(text(200)),
}
MARK = enum(Attendance)

REQUESTS = {
    "MeetingCreate": optional({"organization_id": ID, **MEETING_MEMBERS,
                               "late_record": {**BOOL, "description": "补录 of a meeting already held"}},
                              required=("organization_id", "title", "starts_at", "ends_at", "types",
                                        "invitee_ids")),
    "MeetingChange": optional(MEETING_MEMBERS),
    "Cancellation": optional({"reason": text(500, min_length=1)}, required=("reason",)),
    "Answer": optional({"answer": {"type": "string", "enum": ["attending", "leave"]},
                        "reason": text(500, "请假事由, needed for leave")}, required=("answer",)),
    "LeaveDecision": optional({"decision": {"type": "string", "enum": ["approve", "reject"]}},
                              required=("decision",)),
    "AttendanceMarks": optional({"marks": {"type": "array", "minItems": 1, "items": optional({
        "invitation_id": ID, "was": {**nullable(MARK), "description": "the value last read"},
        "attendance": nullable(MARK), "reason": nullable(text(500))},
        required=("invitation_id", "was"))}}, required=("marks",)),
    "MinutesDraft": optional({"body": text(MINUTES_LENGTH, "Markdown", min_length=1)}, required=("body",)),
    "PersonCreate": optional({"organization_id": ID, **MEMBER_MEMBERS}, required=("organization_id", "name")),
    "PersonChange": optional(MEMBER_MEMBERS),
}
RESOURCES = {
    "Invitation": obj({
        "id": INT, "meeting_id": INT, "organization_id": INT, "person_id": nullable(INT), "name": STR,
        "role": enum(InvitationRole), "optional": BOOL, "full_member": nullable(BOOL), "rsvp": enum(Rsvp),
        "answered_at": nullable(UTC_TIME), "leave_reason": nullable(STR), "attendance": nullable(MARK),
        "absence_reason": nullable(STR), "checked_in_at": nullable(UTC_TIME)}),
    "Person": obj({
        "id": INT, "organization_id": nullable(INT), "name": STR, "category": enum(PersonCategory),
        "status": enum(PersonStatus), "party_group_id": nullable(INT), "joined_party_on": nullable(DATE),
        "login": nullable(STR), "email": nullable(STR), "phone": nullable(STR), "note": nullable(STR),
        "url": URL}),
    "InvitationPage": page_of("Invitation"),
    "PersonPage": page_of("Person"),
}

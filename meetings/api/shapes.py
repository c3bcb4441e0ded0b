"""The JSON shape of each resource (described, field by field, in ``openapi.py``)."""
from __future__ import annotations

from datetime import date

from meetings.api.output import beijing, day, external, utc
from meetings.domain.markdown import render
from meetings.domain.terms import InvitationRole
from meetings.models import Invitation, Meeting, MeetingType, Minutes, Organization, Person, Requirement


def organization(org: Organization) -> dict:
    return {"id": org.id, "name": org.name, "kind": str(org.kind), "parent_id": org.parent_id,
            "depth": org.depth, "is_active": org.is_active,
            "url": external("api.organization", org_id=org.id)}


def meeting_type(kind: MeetingType) -> dict:
    return {"id": kind.id, "code": kind.code, "name": kind.name}


def meeting(m: Meeting, *, minutes_visible: bool) -> dict:
    """A meeting; ``minutes_url`` only when its minutes are final and the caller may read them."""
    return {
        "id": m.id, "organization_id": m.organization_id, "party_group_id": m.party_group_id,
        "title": m.title, "types": [meeting_type(t) for t in m.types], "status": str(m.status),
        "starts_at": utc(m.starts_at), "ends_at": utc(m.ends_at),
        "local": {"starts_at": beijing(m.starts_at), "ends_at": beijing(m.ends_at),
                  "timezone": "Asia/Shanghai"},
        "place": m.place, "online_url": m.online_url, "agenda": m.agenda,
        "attributed_year": m.attributed_year, "is_late_record": m.is_late_record,
        "cancel_reason": m.cancel_reason, "campaign_id": m.campaign_id, "series_id": m.series_id,
        "attendance": _attendance(m),
        "minutes_url": external("api.meeting_minutes", meeting_id=m.id)
        if minutes_visible else None,
        "url": external("api.meeting", meeting_id=m.id),
        "html_url": external("meetings.show", meeting_id=m.id),
    }


def _attendance(m: Meeting) -> dict | None:
    """应到/实到 as frozen when the sheet was saved; None until attendance is recorded."""
    if m.attendance_recorded_at is None:
        return None
    return {"recorded_at": utc(m.attendance_recorded_at), "expected": m.expected_count,
            "present": m.present_count, "quorum_met": m.quorum_met}


def minutes(m: Meeting, record: Minutes, header: dict) -> dict:
    revision = record.current_revision
    return {
        "meeting_id": m.id, "organization_id": m.organization_id, "state": str(record.state),
        "revision": revision.number, "body": revision.body, "body_html": str(render(revision.body)),
        "header": header, "finalized_at": utc(record.finalized_at), "is_late": record.is_late,
        "hash": revision.hash,
        "url": external("api.meeting_minutes", meeting_id=m.id),
        "meeting_url": external("api.meeting", meeting_id=m.id),
    }


def requirement(r: Requirement, today: date) -> dict:
    return {
        "id": r.id, "requirement_id": r.replaces_id or r.id, "meeting_type": meeting_type(r.meeting_type),
        "applies_to": str(r.applies_to), "period": str(r.period), "min_count": r.min_count,
        "needs_attendance": r.needs_attendance, "needs_quorum": r.needs_quorum,
        "needs_final_minutes": r.needs_final_minutes, "effective_from": day(r.effective_from),
        "effective_to": day(r.effective_to), "in_force": r.is_in_force(today), "source": r.source,
        "is_local_rule": r.is_local_rule,
    }


def invitation(i: Invitation, m: Meeting, *, reasons: bool) -> dict:
    """One invitation; the reasons (请假事由, 缺席原因) only for officers and the invitee."""
    return {
        "id": i.id, "meeting_id": m.id, "organization_id": m.organization_id, "person_id": i.person_id,
        "name": i.display_name, "role": str(i.role), "optional": i.optional,
        # A 列席 guest neither votes nor counts: their standing is not the meeting's business.
        "full_member": i.full_member if i.role != InvitationRole.OBSERVER else None,
        "rsvp": str(i.rsvp), "answered_at": utc(i.rsvp_at),
        "leave_reason": i.leave_reason if reasons else None,
        "attendance": str(i.attendance) if i.attendance else None,
        "absence_reason": i.absence_reason if reasons else None,
        "checked_in_at": utc(i.checked_in_at),
    }


def person(p: Person, *, contacts: bool) -> dict:
    """A member; login, e-mail, phone and note only for those who see the roster (and oneself)."""
    return {
        "id": p.id, "organization_id": p.branch_id, "name": p.name, "category": str(p.category),
        "status": str(p.status), "party_group_id": p.party_group_id,
        "joined_party_on": day(p.joined_party_on),
        "login": p.login if contacts else None, "email": p.email if contacts else None,
        "phone": p.phone if contacts else None, "note": p.note if contacts else None,
        "url": external("api.person", person_id=p.id),
    }

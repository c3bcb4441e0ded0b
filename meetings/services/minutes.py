"""会议记录: drafts saved as revisions, 定稿 by the secretary, amendments with a reason, and the
hash chain over final revisions that ``verify-minutes`` checks.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from meetings.domain import minutes as rules
from meetings.domain.terms import MinutesState
from meetings.extensions import db
from meetings.models import Meeting, Minutes, MinutesRevision, Person
from meetings.policy import Action, can
from meetings.services import attendance, audit, locks

REASON_LENGTH = 500


class MinutesError(ValueError):
    """A save or decision that cannot be taken; the message is for the user, next to ``field``."""

    def __init__(self, message: str, field: str = "body"):
        super().__init__(message)
        self.field = field


class StaleMinutes(Exception):
    """Someone else saved a revision since this editor opened: nothing was written."""

    def __init__(self, current: MinutesRevision):
        super().__init__("stale minutes")
        self.current = current


@dataclass(frozen=True)
class Draft:
    """What the editor starts from: the current text and the revision it is based on (0: none)."""

    text: str
    base: int


def for_meeting(meeting: Meeting) -> Minutes | None:
    """The meeting's minutes with their revisions and authors, or None before the first save."""
    return db.session.scalar(sa.select(Minutes).where(Minutes.meeting_id == meeting.id).options(
        selectinload(Minutes.revisions).selectinload(MinutesRevision.author),
        selectinload(Minutes.current_revision)))


def _for_writing(meeting: Meeting) -> Minutes | None:
    """The minutes as the last writer committed them, with other writers held off until we
    commit: two saves from the same revision cannot both add the next one."""
    locks.lock_meeting(meeting.id)
    return db.session.scalar(sa.select(Minutes).where(Minutes.meeting_id == meeting.id).options(
        selectinload(Minutes.revisions), selectinload(Minutes.current_revision))
        .execution_options(populate_existing=True))


def draft(meeting: Meeting, minutes: Minutes | None) -> Draft:
    """The current text, or the first non-empty template of the meeting's types."""
    if minutes is not None and minutes.current_revision is not None:
        return Draft(minutes.current_revision.body, minutes.current_revision.number)
    template = next((t.minutes_template for t in meeting.types if t.minutes_template.strip()), "")
    return Draft(template, 0)


def header(meeting: Meeting) -> dict:
    """The header of the record, generated from the meeting and its attendance (never typed)."""
    result = attendance.summary(meeting)
    tally = result.tally
    return {
        "title": meeting.title,
        "types": [t.name for t in meeting.types],
        "starts_at": meeting.starts_at.isoformat(), "ends_at": meeting.ends_at.isoformat(),
        "place": meeting.place or "",
        "host": meeting.host.name if meeting.host else "",
        "recorder": meeting.recorder.name if meeting.recorder else "",
        "expected": tally.expected, "present": tally.present, "late": tally.late,
        "on_leave": tally.on_leave, "absent": tally.absent, "unmarked": tally.unmarked,
        "absentees": [[name, mark.value, reason or ""] for name, mark, reason in tally.absentees],
        "extra_present": list(tally.extra_present),
        "observers": list(tally.observers_present),
        "quorums": [[q.rule.value, q.present, q.base, q.met] for q in result.quorums],
    }


def save_draft(actor: Person, meeting: Meeting, text: str, base: int,
               now: datetime) -> MinutesRevision | None:
    """Save the text as the next revision; None when nothing changed. Raises StaleMinutes when
    someone saved since revision ``base`` was loaded."""
    _require(actor, Action.RECORD_MEETING, meeting)
    minutes = _for_writing(meeting)
    if minutes is not None and minutes.state == MinutesState.FINAL:
        raise MinutesError(_("会议记录已定稿，修改需由书记填写原因后作为更正保存。"))
    text = _checked(text)
    current = _current(minutes, base)
    if current is not None and current.body == text:
        return None
    minutes = minutes or _create(meeting)
    revision = _add_revision(minutes, actor, text, now, header=header(meeting))
    audit.record(actor, "minutes.save", meeting, organization_id=meeting.organization_id,
                 after={"revision": revision.number, "length": len(text)})
    return revision


def finalize(actor: Person, meeting: Meeting, now: datetime) -> MinutesRevision:
    """定稿: the current text becomes the first link of the chain; 补录 when past the deadline."""
    _require(actor, Action.FINALIZE_MINUTES, meeting)
    minutes = _for_writing(meeting)
    if meeting.attendance_recorded_at is None:
        raise MinutesError(_("请先登记出勤情况，再定稿会议记录。"))
    if minutes is None or minutes.current_revision is None:
        raise MinutesError(_("还没有会议记录，请先撰写并保存。"))
    if minutes.state == MinutesState.FINAL:
        raise MinutesError(_("会议记录已经定稿。"))
    body = minutes.current_revision.body
    revision = _add_revision(minutes, actor, body, now, header=header(meeting), final=True)
    minutes.state, minutes.finalized_at, minutes.finalized_by_id = MinutesState.FINAL, now, actor.id
    minutes.is_late = rules.is_late(meeting.ends_at, now, current_app.config["MINUTES_LATE_DAYS"])
    db.session.flush()
    audit.record(actor, "minutes.finalize", meeting, organization_id=meeting.organization_id,
                 after={"revision": revision.number, "hash": revision.hash, "late": minutes.is_late})
    return revision


def amend(actor: Person, meeting: Meeting, text: str, reason: str, base: int,
          now: datetime) -> MinutesRevision:
    """更正 final minutes: a new final revision with the reason, chained to the last one."""
    _require(actor, Action.FINALIZE_MINUTES, meeting)
    minutes = _for_writing(meeting)
    if minutes is None or minutes.state != MinutesState.FINAL:
        raise MinutesError(_("会议记录尚未定稿，直接保存修改即可。"))
    reason = " ".join((reason or "").split())
    if not reason:
        raise MinutesError(_("更正已定稿的会议记录，请填写更正原因。"), "reason")
    if len(reason) > REASON_LENGTH:
        raise MinutesError(_("更正原因不能超过 %(limit)s 个字。", limit=REASON_LENGTH), "reason")
    text = _checked(text)
    current = _current(minutes, base)
    if current is not None and current.body == text:
        raise MinutesError(_("内容没有变化，无需更正。"))
    revision = _add_revision(minutes, actor, text, now, header=current.header, final=True, reason=reason)
    audit.record(actor, "minutes.amend", meeting, organization_id=meeting.organization_id,
                 after={"revision": revision.number, "reason": reason, "hash": revision.hash})
    return revision


def _checked(text: str) -> str:
    text = rules.normalize(text)
    problem = rules.check_text(text)
    if problem is not None:
        raise MinutesError(_(problem.message, **problem.params))
    return text


def _current(minutes: Minutes | None, base: int) -> MinutesRevision | None:
    """The latest revision, after making sure the editor was looking at it."""
    current = minutes.current_revision if minutes is not None else None
    if (current.number if current else 0) != base:
        raise StaleMinutes(current)
    return current


def _create(meeting: Meeting) -> Minutes:
    minutes = Minutes(meeting_id=meeting.id, state=MinutesState.DRAFT)
    db.session.add(minutes)
    db.session.flush()
    return minutes


def _add_revision(minutes: Minutes, actor: Person, body: str, now: datetime, *, header: dict | None,
                  final: bool = False, reason: str | None = None) -> MinutesRevision:
    """Append a revision; a final one is hashed onto the last final revision."""
    number = max((r.number for r in minutes.revisions), default=0) + 1
    revision = MinutesRevision(minutes_id=minutes.id, number=number, body=body, is_final=final,
                               reason=reason, author_id=actor.id, created_at=now, header=header)
    if final:
        last = max((r for r in minutes.revisions if r.is_final), key=lambda r: r.number, default=None)
        revision.prev_hash = last.hash if last is not None else rules.GENESIS
        revision.hash = rules.chain_hash(revision.prev_hash, facts(revision, minutes.meeting_id))
    minutes.revisions.append(revision)
    db.session.flush()
    minutes.current_revision = revision
    db.session.flush()
    return revision


def facts(revision: MinutesRevision, meeting_id: int) -> rules.RevisionFacts:
    """The plain data the hash chain covers."""
    return rules.RevisionFacts(meeting_id=meeting_id, number=revision.number, body=revision.body,
                               author_id=revision.author_id, created_at=revision.created_at,
                               reason=revision.reason, header=revision.header,
                               prev_hash=revision.prev_hash, hash=revision.hash)


def _require(actor: Person, action: Action, obj) -> None:
    if not can(actor, action, obj):
        raise PermissionError(f"{actor!r} may not {action} {obj!r}")

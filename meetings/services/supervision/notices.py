"""催办: an overseer sends a notice to branches about what they owe; the branch reads and answers.

Sending takes the acting person, the branches and (optionally) the subjects; what is sent is
read again from the record under a lock on each branch, so what a notice names is what the
branch owed at that moment, and two sends of the same item at once make one notice of it.
Mail goes through the outbox to each branch's secretaries; nothing here commits.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from email.headerregistry import Address

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from meetings.domain.periods import Period
from meetings.domain.scheduling import local_date
from meetings.domain.supervision import MAX_TEXT, ReplyKind, Subject, SubjectKind, due_problem, parse_subject
from meetings.domain.terms import MeetingStatus, OrgKind
from meetings.extensions import db
from meetings.models import (
    AuditEvent,
    Campaign,
    Meeting,
    Notice,
    NoticeItem,
    Organization,
    Person,
    meeting_meeting_type,
)
from meetings.policy import Action, can
from meetings.services import audit, calendar, links, locks, outbox, requirements, roster
from meetings.services.invitee_mail import MAIL_LOCALE
from meetings.services.supervision import owed as owed_items
from meetings.services.supervision.owed import Owed

NOTHING_TO_SEND = _l("所选党支部没有需要催办的事项，或这些事项已经催办过（如需再次催办，请勾选“再次催办”）。")
SENT_MEANWHILE = _l("刚刚已有催办发给所选党支部（可能是重复提交），本次未发送。"
                    "请查看催办记录后再决定是否再次催办。")
DUE_MESSAGES = {"missing": _l("请填写办理期限。"), "past": _l("办理期限不能早于今天。"),
                "too_far": _l("办理期限最多为 90 天以后。")}


class NoticeError(ValueError):
    def __init__(self, message, field: str = "text"):
        super().__init__(str(message))
        self.message, self.field = message, field


@dataclass
class Draft:
    """What one branch would be sent: the items it owes, and those already noticed."""

    branch: Organization
    items: list[Owed] = field(default_factory=list)
    noticed: list[Owed] = field(default_factory=list)  # sent before: only with ``again``


def drafts(branches: list[Organization], now: datetime, *, span: Period | None = None,
           subjects: list[Subject] | None = None) -> list[Draft]:
    """For each branch: what it owes now among ``subjects``, or all it owes in ``span``."""
    if subjects is not None:
        found = {b.id: list(owed_items.owed_now(b, subjects, now).values()) for b in branches}
    else:
        found = owed_items.owed_by(branches, span, now)
    sent = _noticed({b.id for b in branches})
    result = []
    for branch in branches:
        draft = Draft(branch)
        for item in found.get(branch.id, []):
            (draft.noticed if (branch.id, item.subject.key) in sent else draft.items).append(item)
        result.append(draft)
    return result


def _noticed(branch_ids: set[int]) -> dict[tuple[int, str], int]:
    """(branch, subject) → the last round it was noticed in."""
    if not branch_ids:
        return {}
    last_round = sa.func.max(NoticeItem.round)
    rows = db.session.execute(sa.select(NoticeItem.branch_id, NoticeItem.subject, last_round)
                              .where(NoticeItem.branch_id.in_(branch_ids))
                              .group_by(NoticeItem.branch_id, NoticeItem.subject))
    return {(b, s): r for b, s, r in rows}


def last_item_id(branch_ids: set[int]) -> int:
    """The newest notice item of these branches (0 for none): what a preview has seen."""
    if not branch_ids:
        return 0
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(NoticeItem.id), 0))
                             .where(NoticeItem.branch_id.in_(branch_ids)))


def send(actor: Person, branches: list[Organization], text: str, due_on: date | None, now: datetime, *,
         span: Period | None = None, subjects: list[Subject] | None = None,
         again: bool = False, seen: int | None = None) -> list[Notice]:
    """One notice per branch that owes something not yet noticed (or, ``again``, noticed
    before: a new round). ``seen`` is :func:`last_item_id` when the sender looked: a new round
    is sent only if no notice reached these branches since, so pressing 发送 twice sends once.
    Raises NoticeError when nothing at all would be sent."""
    text = (text or "").strip()
    if not text:
        raise NoticeError(_l("请填写催办内容。"))
    if len(text) > MAX_TEXT:
        raise NoticeError(_l("催办内容不超过 %(n)s 个字。", n=MAX_TEXT))
    problem = due_problem(due_on, local_date(now))
    if problem:
        raise NoticeError(DUE_MESSAGES[problem], "due_on")
    for branch in branches:
        if branch.kind != OrgKind.BRANCH or not can(actor, Action.SEND_NOTICE, branch):
            raise NoticeError(_l("只能向您督导范围内的党支部发送催办。"), "branches")
    for branch in sorted(branches, key=lambda b: b.id):  # one order: two senders never deadlock
        locks.lock_row(Organization, branch.id)
    if again and seen is not None and last_item_id({b.id for b in branches}) > seen:
        raise NoticeError(SENT_MEANWHILE, "again")
    rounds = _noticed({b.id for b in branches})
    batch = secrets.token_hex(8)
    notices = []
    for draft in drafts(branches, now, span=span, subjects=subjects):
        items = draft.items + (draft.noticed if again else [])
        if not items or not draft.branch.is_active:
            continue
        notice = Notice(batch=batch, branch_id=draft.branch.id, sender_id=actor.id, text=text, due_on=due_on,
                        sent_at=now)
        branch_id = draft.branch.id
        notice.items = [NoticeItem(branch_id=branch_id, kind=i.subject.kind, subject=i.subject.key,
                                   label=i.label[:300], round=rounds.get((branch_id, i.subject.key), 0) + 1)
                        for i in items]
        db.session.add(notice)
        notices.append(notice)
    if not notices:
        raise NoticeError(NOTHING_TO_SEND, "branches")
    db.session.flush()
    for notice in notices:
        audit.record(actor, "notice.send", notice, organization_id=notice.branch_id,
                     after={"items": [i.subject for i in notice.items], "due_on": due_on.isoformat()})
    _mail(notices, now)
    return notices


def mark_read(person: Person, notice: Notice, now: datetime) -> bool:
    """The branch opened it on the site (an overseer's look is no read receipt)."""
    if notice.read_at is not None or not can(person, Action.ANSWER_NOTICE, notice):
        return False
    notice.read_at, notice.read_by_id = now, person.id
    return True


def reply(person: Person, notice: Notice, kind: ReplyKind, text: str, meeting_id: int | None,
          now: datetime) -> None:
    """已安排 (with the branch's meeting it rests on) or 情况说明; a later reply replaces the
    earlier one, which the audit trail keeps."""
    locks.lock_row(Notice, notice.id)
    db.session.refresh(notice)
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise NoticeError(_l("答复不超过 %(n)s 个字。", n=MAX_TEXT), "text")
    meeting = None
    if kind == ReplyKind.ARRANGED:
        meeting = None
        if meeting_id and 0 < meeting_id < 2**31:  # an id the database can hold
            meeting = db.session.scalar(_linkable(notice, now).where(Meeting.id == meeting_id))
        if meeting is None:
            raise NoticeError(_l("请选择本支部为所催办事项安排的会议（类型相符、未取消）。"), "meeting_id")
    elif not text:
        raise NoticeError(_l("请填写情况说明。"), "text")
    before = {"kind": notice.reply_kind, "text": notice.reply_text, "meeting_id": notice.reply_meeting_id}
    notice.reply_kind, notice.reply_text = kind, text or None
    notice.reply_meeting_id = meeting.id if meeting else None
    notice.replied_at, notice.replied_by_id = now, person.id
    if notice.read_at is None:
        notice.read_at, notice.read_by_id = now, person.id
    audit.record(person, "notice.reply", notice, organization_id=notice.branch_id,
                 before=before if notice.replied_at and before["kind"] else None,
                 after={"kind": str(kind), "text": notice.reply_text, "meeting_id": notice.reply_meeting_id})


@dataclass(frozen=True)
class EarlierReply:
    at: datetime
    by: str
    kind: ReplyKind | None
    text: str


def earlier_replies(notice: Notice) -> list[EarlierReply]:
    """The replies a later one replaced, newest first (from the audit trail, which keeps each)."""
    events = list(db.session.scalars(
        sa.select(AuditEvent).options(selectinload(AuditEvent.actor))
        .where(AuditEvent.object_type == "notice", AuditEvent.object_id == notice.id,
               AuditEvent.action == "notice.reply").order_by(AuditEvent.id.desc())))
    earlier = []
    for event in events[1:]:
        after = event.after or {}
        kind = after.get("kind")
        earlier.append(EarlierReply(event.created_at, event.actor.name if event.actor else "",
                                    ReplyKind(kind) if kind in set(ReplyKind) else None,
                                    after.get("text") or ""))
    return earlier


def meetings_to_link(notice: Notice, now: datetime, limit: int = 30) -> list[Meeting]:
    """The branch's meetings a 已安排 reply may point at: not cancelled, from the notice on,
    and of a type the notice asks for (or the meeting whose minutes it names)."""
    return list(db.session.scalars(_linkable(notice, now).order_by(Meeting.starts_at).limit(limit)))


def _linkable(notice: Notice, now: datetime) -> sa.Select:
    since = min(notice.sent_at, now)
    type_ids, meeting_ids = _answering(notice)
    of_type = sa.select(meeting_meeting_type.c.meeting_id).where(
        meeting_meeting_type.c.meeting_type_id.in_(type_ids))
    return sa.select(Meeting).where(
        Meeting.organization_id == notice.branch_id, Meeting.status != MeetingStatus.CANCELLED,
        sa.or_(sa.and_(Meeting.starts_at >= since, Meeting.id.in_(of_type)),
               Meeting.id.in_(meeting_ids), Meeting.id == notice.reply_meeting_id))


def _answering(notice: Notice) -> tuple[set[int], set[int]]:
    """The meeting types that would answer the notice's items, and the meetings it names."""
    subjects = [parse_subject(item.subject) for item in notice.items]
    wanted = {s.object_id for s in subjects if s.kind == SubjectKind.PERIOD}
    type_ids = {r.meeting_type_id for r in requirements.all_versions()
                if r.id in wanted or r.replaces_id in wanted}
    campaign_ids = [s.object_id for s in subjects if s.kind == SubjectKind.CAMPAIGN]
    if campaign_ids:
        type_ids |= set(db.session.scalars(sa.select(Campaign.meeting_type_id)
                                           .where(Campaign.id.in_(campaign_ids))))
    return type_ids, {s.object_id for s in subjects if s.kind == SubjectKind.MINUTES}


def _mail(notices: list[Notice], now: datetime) -> None:
    recipients = roster.secretaries_to_mail([n.branch_id for n in notices])
    name, address = calendar.organizer()
    for notice in notices:
        for person in recipients.get(notice.branch_id, []):
            context = {"notice": notice, "person": person, "url": links.absolute(f"/notices/{notice.id}")}
            with force_locale(MAIL_LOCALE):
                body = render_template("email/notice.txt", **context)
                subject = render_template("email/notice_subject.txt", **context).strip()
            to = Address(display_name=person.name, addr_spec=person.email)
            message = outbox.build_message(sender=Address(display_name=name, addr_spec=address), recipient=to,
                                           subject=subject, text=body, now=now)
            outbox.enqueue(message, kind="notice", person_id=person.id, now=now)

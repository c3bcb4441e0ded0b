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

from meetings.domain.periods import Period
from meetings.domain.scheduling import local_date
from meetings.domain.supervision import MAX_TEXT, ReplyKind, Subject, due_problem
from meetings.domain.terms import MeetingStatus, OrgKind
from meetings.extensions import db
from meetings.models import Meeting, Notice, NoticeItem, Organization, Person
from meetings.policy import Action, can
from meetings.services import audit, calendar, links, locks, outbox, roster
from meetings.services.invitee_mail import MAIL_LOCALE
from meetings.services.supervision import owed as owed_items
from meetings.services.supervision.owed import Owed

NOTHING_TO_SEND = _l("所选党支部没有需要催办的事项，或这些事项已经催办过（如需再次催办，请勾选“再次催办”）。")
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


def send(actor: Person, branches: list[Organization], text: str, due_on: date | None, now: datetime, *,
         span: Period | None = None, subjects: list[Subject] | None = None,
         again: bool = False) -> list[Notice]:
    """One notice per branch that owes something not yet noticed (or, ``again``, noticed
    before: a new round). Raises NoticeError when nothing at all would be sent."""
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
        meeting = db.session.get(Meeting, meeting_id) if meeting_id else None
        if meeting is None or meeting.organization_id != notice.branch_id \
                or meeting.status == MeetingStatus.CANCELLED:
            raise NoticeError(_l("请选择本支部安排的会议。"), "meeting_id")
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


def meetings_to_link(notice: Notice, now: datetime, limit: int = 30) -> list[Meeting]:
    """The branch's meetings a 已安排 reply may point at: not cancelled, from the notice on."""
    since = min(notice.sent_at, now)
    return list(db.session.scalars(
        sa.select(Meeting).where(Meeting.organization_id == notice.branch_id,
                                 Meeting.status != MeetingStatus.CANCELLED,
                                 sa.or_(Meeting.starts_at >= since, Meeting.id == notice.reply_meeting_id))
        .order_by(Meeting.starts_at).limit(limit)))


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

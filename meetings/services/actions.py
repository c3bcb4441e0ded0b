"""整改事项 (action items) raised at a meeting or from a 督导记录's finding: add, change, close
with evidence, cancel, reopen. Once raised, an item is the branch's to carry out whatever its
source: the same lists, the same 办结.

Each function takes the acting person, checks the policy and the rules, flushes and audits
in the caller's transaction; the caller commits once. Lists live in ``actions_query``.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings.domain import actions as rules
from meetings.domain.scheduling import local_date
from meetings.domain.terms import ActionStatus, OrgKind
from meetings.extensions import db
from meetings.models import ActionItem, Meeting, Organization, Person, VisitFinding
from meetings.policy import Action, can
from meetings.services import audit, locks, scheduling


class ActionError(ValueError):
    """The change cannot be made; ``errors`` are (field, translated message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("; ".join(message for _, message in errors))
        self.errors = errors


def branch_of(meeting: Meeting) -> Organization:
    """The branch a meeting belongs to: a party group's meeting belongs to its parent branch."""
    org = meeting.organization
    return org.parent if org.kind == OrgKind.PARTY_GROUP and org.parent else org


def add_action_item(actor: Person, meeting: Meeting, *, text: str, owner_id: int | None,
                    due_on: date | None, now: datetime) -> ActionItem:
    """Raise a 整改事项 at ``meeting`` with an owner of its branch and a due date."""
    _require(actor, Action.RECORD_MEETING, meeting)
    if meeting.is_cancelled:
        raise ActionError([("text", _("会议已取消，不能添加整改事项。"))])
    branch = branch_of(meeting)
    owner = _check_fields(branch, local_date(meeting.starts_at), text, owner_id, due_on, now)
    item = ActionItem(meeting=meeting, organization_id=branch.id, text=rules.clean(text), owner=owner,
                      due_on=due_on, status=ActionStatus.OPEN, created_by_id=actor.id)
    db.session.add(item)
    db.session.flush()
    audit.record(actor, "action.add", meeting, organization_id=meeting.organization_id,
                 after={"item": item.id, "person": owner.name, "text": item.text,
                        "due_on": due_on.isoformat()})
    return item


def raise_from_finding(actor: Person, finding: VisitFinding, *, text: str, owner_id: int | None,
                       due_on: date | None, now: datetime) -> ActionItem:
    """A 督导记录's finding becomes a 整改事项 of the branch it names (once): the liaison who
    found it sets the owner and 整改时限; the branch carries it out as any other."""
    _require(actor, Action.RECORD_VISIT, finding.branch)
    locks.lock_row(VisitFinding, finding.id)  # two liaisons at once make one item of it
    db.session.refresh(finding)
    if db.session.scalar(sa.select(ActionItem.id).where(ActionItem.finding_id == finding.id)) is not None:
        raise ActionError([("text", _("这条问题已经列为整改事项。"))])
    if not finding.branch.is_active:
        raise ActionError([("text", _("该党支部已撤销，不能再列整改事项。"))])
    owner = _check_fields(finding.branch, finding.visit.visited_on, text, owner_id, due_on, now,
                          source_is_meeting=False)
    item = ActionItem(finding=finding, organization_id=finding.branch_id, text=rules.clean(text), owner=owner,
                      due_on=due_on, status=ActionStatus.OPEN, created_by_id=actor.id)
    db.session.add(item)
    db.session.flush()
    _audit(actor, "action.add", item, before=None,
           after={"item": item.id, "person": owner.name, "text": item.text, "due_on": due_on.isoformat()})
    return item


def update_action_item(actor: Person, item: ActionItem, *, text: str, owner_id: int | None,
                       due_on: date | None, now: datetime) -> ActionItem:
    """Change an open item's text, owner or due date."""
    _require(actor, Action.RECORD_MEETING, item)
    if item.status != ActionStatus.OPEN:
        raise ActionError([("text", _("已办结或取消的整改事项不能修改。"))])
    owner = _check_fields(item_branch(item), raised_on(item), text, owner_id, due_on, now,
                          source_is_meeting=item.meeting is not None)
    old_owner = item.owner.name if item.owner else None
    before, after = audit.changes(item, {"text": rules.clean(text), "owner_id": owner.id, "due_on": due_on})
    if not after:
        return item
    item.owner = owner
    if "owner_id" in after:
        before["person"], after["person"] = old_owner, owner.name
    db.session.flush()
    _audit(actor, "action.update", item, before={"item": item.id, **before}, after={"item": item.id, **after})
    return item


def close_action_item(actor: Person, item: ActionItem, evidence: str, now: datetime) -> None:
    """办结: the owner (or an officer) reports it done, saying what was done as evidence."""
    _require(actor, Action.CLOSE_ACTION, item)
    _raise(rules.check_close(item.status, evidence))
    _finish(actor, item, ActionStatus.DONE, rules.clean(evidence), now, "action.close")


def cancel_action_item(actor: Person, item: ActionItem, reason: str, now: datetime) -> None:
    """Drop an open item with a reason (kept in the evidence note, and in the audit trail)."""
    _require(actor, Action.RECORD_MEETING, item)
    _raise(rules.check_cancel(item.status, reason))
    _finish(actor, item, ActionStatus.CANCELLED, rules.clean(reason), now, "action.cancel")


def reopen_action_item(actor: Person, item: ActionItem, now: datetime) -> None:
    """Open a closed or cancelled item again, e.g. when the evidence does not hold up."""
    _require(actor, Action.RECORD_MEETING, item)
    _raise(rules.check_reopen(item.status))
    before = {"item": item.id, "status": item.status.value, "evidence": item.evidence}
    item.status, item.evidence = ActionStatus.OPEN, None
    item.closed_at = item.closed_by_id = None
    item.updated_at = now
    db.session.flush()
    _audit(actor, "action.reopen", item, before=before,
           after={"item": item.id, "status": ActionStatus.OPEN.value})


def _finish(actor: Person, item: ActionItem, status: ActionStatus, note: str, now: datetime,
            action: str) -> None:
    before = {"item": item.id, "status": item.status.value}
    item.status, item.evidence = status, note
    item.closed_at, item.closed_by_id = now, actor.id
    item.updated_at = now
    db.session.flush()
    _audit(actor, action, item, before=before,
           after={"item": item.id, "status": status.value, "evidence": note})


def item_branch(item: ActionItem) -> Organization:
    """The branch that carries the item out (whose people may own it)."""
    return branch_of(item.meeting) if item.meeting is not None else item.finding.branch


def raised_on(item: ActionItem) -> date:
    """The day of its source (the meeting, or the visit): no 整改时限 before it."""
    return local_date(item.meeting.starts_at) if item.meeting is not None else item.finding.visit.visited_on


def _audit(actor: Person, action: str, item: ActionItem, *, before: dict | None, after: dict) -> None:
    """On the meeting's trail, or the visit's, where the item came from."""
    if item.meeting is not None:
        audit.record(actor, action, item.meeting, organization_id=item.meeting.organization_id,
                     before=before, after=after)
    else:
        audit.record(actor, action, item.finding.visit, organization_id=item.organization_id,
                     before=before, after=after)


def _check_fields(branch: Organization, since: date, text: str, owner_id: int | None,
                  due_on: date | None, now: datetime, source_is_meeting: bool = True) -> Person:
    """Validate text, owner and due date; return the owner or raise ActionError."""
    too_early = rules.EARLIER_THAN_MEETING if source_is_meeting else rules.EARLIER_THAN_VISIT
    problems = rules.check_item(text, due_on, meeting_day=since, today=local_date(now), too_early=too_early)
    errors = [(p.field, _(p.message, **p.params)) for p in problems]
    people = {p.id: p for p in scheduling.branch_people(branch)}
    if owner_id is None:
        errors.append(("owner_id", _("请选择责任人。")))
    elif owner_id not in people:
        errors.append(("owner_id", _("责任人必须是本支部在册的人员。")))
    if errors:
        raise ActionError(errors)
    return people[owner_id]


def _raise(problems: list[rules.ActionProblem]) -> None:
    if problems:
        raise ActionError([(p.field, _(p.message, **p.params)) for p in problems])


def _require(actor: Person, action: Action, obj) -> None:
    if not can(actor, action, obj):
        raise PermissionError(f"{actor!r} may not {action} {obj!r}")

"""What pages show of action items, with every permission decided here so templates only read
booleans: rows for a list, the meeting page's 整改事项 card, the home page's own items.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from meetings.domain import actions as rules
from meetings.domain.scheduling import local_date
from meetings.domain.terms import ActionStatus
from meetings.models import ActionItem, Meeting, Organization, Person
from meetings.policy import Action, can
from meetings.services import actions, actions_query, scheduling
from meetings.web.actions.forms import ActionItemForm


@dataclass
class ItemRow:
    """One item as a list shows it: is it overdue, what may the reader do with it."""

    item: ActionItem
    overdue: bool
    may_close: bool
    may_manage: bool
    source_visible: bool = True  # a link to its meeting or visit would open (not a 403)

    @property
    def is_open(self) -> bool:
        return self.item.status == ActionStatus.OPEN


def rows(items: list[ActionItem], person: Person, today: date) -> list[ItemRow]:
    """Rows for the items ``person`` may see."""
    return [ItemRow(i, rules.is_overdue(i.due_on, i.status, today), can(person, Action.CLOSE_ACTION, i),
                    can(person, Action.RECORD_MEETING, i),
                    # lists link every meeting, as they always did (asking would read each one's
                    # invitations); a visit is asked about, its findings being loaded with it
                    i.meeting is not None or source_visible(person, i))
            for i in items if can(person, Action.VIEW_MEETINGS, i)]


def source_visible(person: Person, item: ActionItem) -> bool:
    """Whether the person may open where the item came from: its meeting, or its 督导记录."""
    if item.meeting is not None:
        return can(person, Action.VIEW_MEETINGS, item.meeting)
    return can(person, Action.VIEW_VISIT, item.finding.visit)


def owner_choices(meeting: Meeting) -> list[SelectChoice]:
    """责任人 options: the people of the meeting's branch (a party group's meeting: its branch)."""
    return owner_choices_of(actions.branch_of(meeting))


def owner_choices_of(branch: Organization) -> list[SelectChoice]:
    """责任人 options: the people of the branch."""
    people = scheduling.branch_people(branch)
    return [SelectChoice("", _l("请选择")), *(SelectChoice(str(p.id), p.name) for p in people)]


def item_form(meeting: Meeting | None, item: ActionItem | None = None) -> ActionItemForm:
    """The raise/change form (posted values, else the item's) with the branch's people as owners."""
    # Prefixed ids ("action-text"): the meeting page holds other forms' fields too.
    form = ActionItemForm(obj=item, prefix="action")
    branch = actions.branch_of(meeting) if meeting is not None else actions.item_branch(item)
    form.owner_id.choices = owner_choices_of(branch)
    return form


def actions_panel(meeting: Meeting, person: Person, now: datetime) -> dict:
    """Context of ``meetings/_actions.html`` on the meeting page."""
    may_add = can(person, Action.RECORD_MEETING, meeting) and not meeting.is_cancelled
    return {"action_rows": rows(actions_query.for_meeting(meeting), person, local_date(now)),
            "may_add_actions": may_add, "action_form": item_form(meeting) if may_add else None}


def desk_actions(person: Person, branches: list[Organization], now: datetime
                 ) -> tuple[list[ItemRow], dict[int, tuple[int, int]]]:
    """For the home page: the person's own open items (overdue first), and (open, overdue)
    counts of each branch they run, keyed by branch id."""
    today = local_date(now)
    mine, counts = actions_query.for_desk(person, branches, today)
    return rows(mine, person, today), counts

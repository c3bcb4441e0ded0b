"""所属专项行动 on the schedule form: the campaigns a branch's meeting may count for."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _

from meetings.extensions import db
from meetings.models import Campaign, Organization
from meetings.services import campaigns_query
from meetings.web.labels import options
from meetings.web.meetings.planning import BranchChoices, default_invitees


def fill(form, branch: Organization, now: datetime, current_id: int | None = None) -> list[Campaign]:
    """Options: campaigns covering the branch whose window is open, and the one already chosen."""
    found = campaigns_query.open_for_meeting_form(branch, now)
    if current_id is not None and all(c.id != current_id for c in found):
        current = db.session.get(Campaign, current_id)
        if current is not None:
            found.insert(0, current)
    offered = [("", _("（不属于专项行动）"))] + [(str(c.id), c.title) for c in found]
    form.campaign_id.choices = options(offered)
    return found


def chosen(found: list[Campaign], wanted: int | None) -> Campaign | None:
    """``?campaign=<id>``, when it is one of the campaigns offered."""
    return next((c for c in found if c.id == wanted), None)


def prefill(form, choices: BranchChoices, campaign: Campaign) -> None:
    """"Schedule it" from a campaign: its meeting type and invitees, its title, a day in its window."""
    form.campaign_id.data = campaign.id
    form.title.data = campaign.title
    form.date.data = min(max(form.date.data, campaign.window_start), campaign.deadline)
    kind = next((t for t in choices.types if t.id == campaign.meeting_type_id), None)
    if kind is None:
        return
    form.type_ids.data = [kind.id]
    form.invitees.data = default_invitees(choices, kind)
    start = datetime.combine(form.date.data, form.start_time.data)
    form.end_time.data = (start + timedelta(minutes=kind.default_duration_minutes)).time()

"""How a campaign status reads on the page: a word and a symbol, so it survives black-and-white print."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from meetings.domain.campaigns import CampaignStatus
from meetings.models import Campaign


@dataclass(frozen=True)
class Look:
    status: CampaignStatus
    label: str
    symbol: str
    tone: str  # ok / warn / bad / muted: the badge colour, never the only cue


LOOKS = {look.status: look for look in (
    Look(CampaignStatus.REPORTED, _l("已按时报送"), "✓", "ok"),
    Look(CampaignStatus.LATE, _l("逾期报送"), "△", "warn"),
    Look(CampaignStatus.HELD, _l("已召开，待定稿"), "◐", "warn"),
    Look(CampaignStatus.SCHEDULED, _l("已安排"), "◇", "muted"),
    Look(CampaignStatus.NOT_STARTED, _l("未开始"), "○", "muted"),
    Look(CampaignStatus.OVERDUE, _l("已逾期"), "✗", "bad"),
)}
ORDER = list(LOOKS.values())  # done first, then in progress, overdue last


def parse_status(value: str | None) -> CampaignStatus | None:
    """The ``?status=`` filter; anything unknown shows every branch."""
    try:
        return CampaignStatus(value) if value else None
    except ValueError:
        return None


def phase(campaign: Campaign, today: date) -> tuple[str, str]:
    """Where the window stands today: (label, tone)."""
    if today < campaign.window_start:
        return _l("未开始"), "muted"
    if today <= campaign.deadline:
        return _l("进行中"), "ok"
    return _l("已截止"), "muted"

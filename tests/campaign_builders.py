"""Builders for 专项行动: a campaign launched by the world's admin, open around today by default."""
from __future__ import annotations

from datetime import timedelta

from meetings.domain.scheduling import local_date
from meetings.models import Campaign
from meetings.services import campaigns
from tests.fixed_time import pinned_now
from tests.meeting_builders import type_id


def campaign_fields(world, **overrides) -> campaigns.CampaignFields:
    """A 专题组织生活会 over the whole tree, its window from ten days ago to twenty days ahead."""
    today = local_date(pinned_now())
    values = dict(title="以优良作风保证“双胜利”专题组织生活会", instructions="## 学习内容\n\n学习党章。",
                  meeting_type_id=type_id("special_org_life_meeting"), scope_id=world.root.id,
                  window_start=today - timedelta(days=10), deadline=today + timedelta(days=20),
                  report_days=15)
    values.update(overrides)
    return campaigns.CampaignFields(**values)


def make_campaign(world, *, actor=None, **overrides) -> Campaign:
    """Launched by ``admin`` (flushed, audited)."""
    return campaigns.create(actor or world["admin"], campaign_fields(world, **overrides), pinned_now())

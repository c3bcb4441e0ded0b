"""The meeting types every deployment starts with (DESIGN §2, §5); admins edit them later.

Plain data, so the migration that installs them and the tests read one list.
"""
from dataclasses import dataclass

from meetings.domain.terms import InviteeScope, QuorumRule


@dataclass(frozen=True)
class TypeDefaults:
    """One seeded meeting type."""

    code: str
    name: str
    name_en: str
    default_invitees: InviteeScope
    quorum_rule: QuorumRule
    default_duration_minutes: int
    minutes_template: str


_LIFE_TEMPLATE = "## 学习内容\n\n## 对照检查\n\n## 批评与自我批评\n\n## 整改措施\n"
_ASSEMBLY_TEMPLATE = (
    "## 议题\n\n## 讨论情况\n\n## 表决结果\n\n"
    "| 事项 | 赞成 | 反对 | 弃权 |\n|---|---|---|---|\n|  |  |  |  |\n"
)

DEFAULT_TYPES: tuple[TypeDefaults, ...] = (
    TypeDefaults("branch_assembly", "支部党员大会", "Branch general meeting", InviteeScope.BRANCH,
                 QuorumRule.FULL_MEMBERS_MAJORITY, 120, _ASSEMBLY_TEMPLATE),
    TypeDefaults("branch_committee", "支部委员会", "Branch committee meeting", InviteeScope.COMMITTEE,
                 QuorumRule.COMMITTEE_MAJORITY, 60, "## 议题\n\n## 讨论与决定\n"),
    TypeDefaults("group_meeting", "党小组会", "Party group meeting", InviteeScope.PARTY_GROUP,
                 QuorumRule.NONE, 60, "## 学习内容\n\n## 交流发言\n"),
    TypeDefaults("party_lecture", "党课", "Party lecture", InviteeScope.BRANCH, QuorumRule.NONE, 90,
                 "## 主讲人\n\n## 主题\n\n## 主要内容\n"),
    TypeDefaults("theme_day", "主题党日", "Theme day", InviteeScope.BRANCH, QuorumRule.NONE, 120,
                 "## 活动主题\n\n## 活动内容\n\n## 活动成效\n"),
    TypeDefaults("org_life_meeting", "组织生活会", "Organizational life meeting", InviteeScope.BRANCH,
                 QuorumRule.NONE, 180, _LIFE_TEMPLATE),
    TypeDefaults("member_appraisal", "民主评议党员", "Democratic appraisal of members", InviteeScope.BRANCH,
                 QuorumRule.NONE, 120, "## 个人自评\n\n## 党员互评\n\n## 民主测评结果\n"),
    TypeDefaults("special_org_life_meeting", "专题组织生活会", "Special organizational life meeting",
                 InviteeScope.BRANCH, QuorumRule.NONE, 180, _LIFE_TEMPLATE),
    TypeDefaults("other", "其他", "Other", InviteeScope.BRANCH, QuorumRule.NONE, 90, ""),
)

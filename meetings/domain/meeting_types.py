"""The meeting types every deployment starts with (DESIGN §2, §5); admins edit them later.

Plain data, so the migration that installs them and the tests read one list.
"""
from dataclasses import dataclass

from meetings.domain.terms import InviteeScope, QuorumRule


@dataclass(frozen=True)
class TypeSettings:
    """What an administrator may change about a type (its code is fixed: rules refer to it)."""

    name: str
    name_en: str
    default_invitees: InviteeScope
    quorum_rule: QuorumRule
    default_duration_minutes: int
    minutes_template: str
    is_active: bool = True


@dataclass(frozen=True)
class TypeDefaults(TypeSettings):
    """One seeded meeting type: its settings, and the code requirements refer to."""

    code: str = ""


_LIFE_TEMPLATE = "## 学习内容\n\n## 对照检查\n\n## 批评与自我批评\n\n## 整改措施\n"
_ASSEMBLY_TEMPLATE = (
    "## 议题\n\n## 讨论情况\n\n## 表决结果\n\n"
    "| 事项 | 赞成 | 反对 | 弃权 |\n|---|---|---|---|\n|  |  |  |  |\n"
)

DEFAULT_TYPES: tuple[TypeDefaults, ...] = (
    TypeDefaults("支部党员大会", "Branch general meeting", InviteeScope.BRANCH,
                 QuorumRule.FULL_MEMBERS_MAJORITY, 120, _ASSEMBLY_TEMPLATE, code="branch_assembly"),
    TypeDefaults("支部委员会", "Branch committee meeting", InviteeScope.COMMITTEE,
                 QuorumRule.COMMITTEE_MAJORITY, 60, "## 议题\n\n## 讨论与决定\n", code="branch_committee"),
    TypeDefaults("党小组会", "Party group meeting", InviteeScope.PARTY_GROUP,
                 QuorumRule.NONE, 60, "## 学习内容\n\n## 交流发言\n", code="group_meeting"),
    TypeDefaults("党课", "Party lecture", InviteeScope.BRANCH, QuorumRule.NONE, 90,
                 "## 主讲人\n\n## 主题\n\n## 主要内容\n", code="party_lecture"),
    TypeDefaults("主题党日", "Theme day", InviteeScope.BRANCH, QuorumRule.NONE, 120,
                 "## 活动主题\n\n## 活动内容\n\n## 活动成效\n", code="theme_day"),
    TypeDefaults("组织生活会", "Organizational life meeting", InviteeScope.BRANCH,
                 QuorumRule.NONE, 180, _LIFE_TEMPLATE, code="org_life_meeting"),
    TypeDefaults("民主评议党员", "Democratic appraisal of members", InviteeScope.BRANCH,
                 QuorumRule.NONE, 120, "## 个人自评\n\n## 党员互评\n\n## 民主测评结果\n",
                 code="member_appraisal"),
    TypeDefaults("专题组织生活会", "Special organizational life meeting",
                 InviteeScope.BRANCH, QuorumRule.NONE, 180, _LIFE_TEMPLATE, code="special_org_life_meeting"),
    TypeDefaults("其他", "Other", InviteeScope.BRANCH, QuorumRule.NONE, 90, "", code="other"),
)
